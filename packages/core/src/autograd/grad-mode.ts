let enabled = true;

/** True when ops are being recorded on the tape (outside `noGrad`). */
export function isGradEnabled(): boolean {
  return enabled;
}

/** Sets recording on or off; returns the previous setting. Prefer `noGrad`/`enableGrad`. */
export function setGradEnabled(on: boolean): boolean {
  const prev = enabled;
  enabled = on;
  return prev;
}

/**
 * Runs `fn` without recording: results have no creator and do not require grad (PyTorch's
 * `torch.no_grad()`).
 *
 * @example
 * const acc = noGrad(() => model.forward(x).argmax(1));
 */
export function noGrad<T>(fn: () => T): T {
  const prev = setGradEnabled(false);
  try {
    return fn();
  } finally {
    setGradEnabled(prev);
  }
}

/**
 * Runs `fn` with recording on, even inside `noGrad`.
 *
 * @example
 * noGrad(() => enableGrad(() => x.mul(2))); // recorded
 */
export function enableGrad<T>(fn: () => T): T {
  const prev = setGradEnabled(true);
  try {
    return fn();
  } finally {
    setGradEnabled(prev);
  }
}
