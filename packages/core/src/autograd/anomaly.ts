import { AnomalyError, errorContext, fmtShape } from '../errors';
import type { Tensor } from '../tensor';
import type { Node, Op } from './op';
import { hooks } from './op-hooks';
import { platform } from '../platform';

/**
 * Anomaly mode fills the engine's hook slots (`op-hooks.ts`): every op checks its output and
 * every backward rule its gradients for NaN/±Infinity, and each recorded node remembers the user
 * line that created it. When off the slots are null and the engine pays one comparison per op.
 */

// tapegrad's own code once installed; in the monorepo the platform knows where the packages are.
const INSTALLED = /[/\\]node_modules[/\\]@tapegrad[/\\][^/\\]+[/\\](src|dist)[/\\]/;
const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;

function isOwnFrame(file: string): boolean {
  return file.startsWith('node:') || INSTALLED.test(file) || platform.ownSourceFile(file);
}

/**
 * The first frame of `stack` outside tapegrad, as `file:line:column` (null when none is found).
 *
 * @example
 * userCallSite(new Error().stack); // '/home/me/train.ts:42:17'
 */
export function userCallSite(stack: string | undefined): string | null {
  if (stack === undefined) return null;
  for (const line of stack.split('\n')) {
    const m = FRAME.exec(line);
    if (m === null) continue;
    if (!isOwnFrame(m[1])) return `${m[1]}:${m[2]}:${m[3]}`;
  }
  return null;
}

const here = (): string | null => userCallSite(new Error().stack);

function firstNonFinite(t: Tensor): number {
  if (t.dtype === 'int32') return -1;
  const d = t.data;
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return i;
  return -1;
}

function describeInputs(inputs: readonly Tensor[]): string {
  return inputs.map((x) => `${fmtShape(x.shape)} ${x.dtype}`).join(', ');
}

/** The node whose backward rule is running (its ops' outputs are the rule's intermediates). */
let inRule: Node<unknown> | null = null;

function checkForward(op: Op<unknown>, inputs: readonly Tensor[], out: Tensor): void {
  const i = firstNonFinite(out);
  if (i < 0) return;
  if (inRule !== null) {
    const node = inRule;
    throw new AnomalyError(
      `anomaly: the backward of '${node.op.name}' produced ${out.data[i]} (in its '${op.name}' step, output ` +
        `${fmtShape(out.shape)}); inputs of '${node.op.name}': ${describeInputs(node.inputs)}${createdAt(node)}`,
      node.op.name,
      'backward',
      node.callSite,
      node.inputs.map((x) => x.shape),
    );
  }
  const site = here();
  const origin = inputs.some((x) => firstNonFinite(x) >= 0)
    ? 'but its inputs already held NaN/Infinity'
    : 'from finite inputs';
  throw new AnomalyError(
    `anomaly: '${op.name}' produced ${out.data[i]} at flat index ${i} of its output ${fmtShape(out.shape)}, ` +
      `${origin} (${describeInputs(inputs)})` +
      (site !== null ? `\n    at ${site}` : ''),
    op.name,
    'forward',
    site,
    inputs.map((x) => x.shape),
  );
}

function recordSite(node: Node<unknown>): void {
  node.callSite = here();
}

function createdAt(node: Node<unknown>): string {
  const { name } = node.op;
  return node.callSite !== null
    ? `\n    '${name}' was created at ${node.callSite}`
    : `\n    (the '${name}' node was recorded outside anomaly mode; run the forward inside detectAnomaly to see where)`;
}

function beforeBackward(node: Node<unknown> | null): void {
  inRule = node;
}

function checkBackward(node: Node<unknown>, grads: readonly (Tensor | null)[]): void {
  inRule = null;
  grads.forEach((g, k) => {
    const i = g === null ? -1 : firstNonFinite(g);
    if (i < 0) return;
    const { name } = node.op;
    throw new AnomalyError(
      `anomaly: the backward of '${name}' returned ${g!.data[i]} at flat index ${i} of the gradient for ` +
        `input ${k} ${fmtShape(node.inputs[k].shape)}; inputs: ${describeInputs(node.inputs)}${createdAt(node)}`,
      name,
      'backward',
      node.callSite,
      node.inputs.map((x) => x.shape),
    );
  });
}

let enabled = false;
let savedStackLimit = Error.stackTraceLimit;

/**
 * Whether anomaly mode is on.
 *
 * @example
 * detectAnomaly(() => isAnomalyEnabled()); // true
 */
export function isAnomalyEnabled(): boolean {
  return enabled;
}

/**
 * Turns anomaly mode on or off process-wide (PyTorch's `set_detect_anomaly`); returns the
 * previous setting. Prefer the scoped {@link detectAnomaly}.
 *
 * @example
 * setDetectAnomaly(true); model.forward(x).backward(); setDetectAnomaly(false);
 */
export function setDetectAnomaly(on: boolean): boolean {
  const prev = enabled;
  if (on === prev) return prev;
  enabled = on;
  if (on) {
    savedStackLimit = Error.stackTraceLimit;
    // Deep op compositions (logSumExp → sub → broadcast → runOp) need more than 10 frames.
    Error.stackTraceLimit = Math.max(savedStackLimit, 50);
    hooks.afterForward = checkForward;
    hooks.onRecord = recordSite;
    hooks.beforeBackward = beforeBackward;
    hooks.afterBackward = checkBackward;
    errorContext.callSite = here;
  } else {
    Error.stackTraceLimit = savedStackLimit;
    hooks.afterForward = null;
    hooks.onRecord = null;
    hooks.beforeBackward = null;
    hooks.afterBackward = null;
    inRule = null;
    errorContext.callSite = null;
  }
  return prev;
}

/**
 * Runs `fn` in anomaly mode: any op whose output, or any backward rule whose gradient, holds NaN
 * or ±Infinity throws an {@link AnomalyError} naming the op, the user line that created it and
 * the input shapes; other tapegrad errors also name the calling line. Slow; for debugging.
 *
 * @example
 * detectAnomaly(() => loss(model, x).backward()); // AnomalyError: 'log' produced -Infinity …
 */
export function detectAnomaly<T>(fn: () => T): T {
  const prev = setDetectAnomaly(true);
  try {
    return fn();
  } finally {
    setDetectAnomaly(prev);
  }
}
