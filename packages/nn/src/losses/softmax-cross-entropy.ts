import {
  DTypeError,
  IndexError,
  ShapeError,
  Tensor,
  astype,
  checkTensor,
  defineOp,
  full,
  isFloat,
  isGradEnabled,
  kernels,
  logSoftmax,
  mul,
  neg,
  runOp,
  softmax,
  sub,
} from '@tapegrad/core';

interface SceAttrs {
  /** Class indices per row, when labels were given as int32 indices. */
  indices: Int32Array | null;
}

/**
 * Softmax + cross-entropy in one node (the book's SoftmaxWithLoss). Forward per row:
 * lse = m + log Σ exp(x − m) with m the row max, log p = x − lse, loss = −(1/N) Σ t·log p.
 * Backward: gx = (softmax·Σt − t)·gy/N, which is (softmax − onehot)/N for one-hot rows; for
 * probability targets gt = −log p·gy/N. The forward also keeps the softmax it computes along the
 * way, and a plain backward uses it in one loop; under `createGraph` softmax and log p are
 * recomputed with the core ops instead, so that the gradient is itself differentiable w.r.t. the
 * logits. Both give the same values (the loop rounds each step as the ops do).
 */
const softmaxCrossEntropyOp = defineOp<SceAttrs>({
  name: 'softmaxCrossEntropy',
  forward: (inputs, { indices }, save) => {
    const x = inputs[0];
    const [n, c] = x.shape;
    const xd = x.data;
    let onehot: Tensor;
    const f64 = x.dtype === 'float64';
    const rowSum = new Tensor(f64 ? new Float64Array(n) : new Float32Array(n), [n, 1]);
    const prob = new Tensor(f64 ? new Float64Array(n * c) : new Float32Array(n * c), [n, c]);
    const pd = prob.data;
    if (indices !== null) {
      onehot = full([n, c], 0, { dtype: x.dtype });
      for (let i = 0; i < n; i++) onehot.data[i * c + indices[i]] = 1;
    } else onehot = inputs[1];
    const td = onehot.data;
    // The softmax through the kernel the softmax op uses (WASM SIMD for float32 rows), with each
    // row's Σ exp(x − max): log-sum-exp = max + log Σ when the max is finite.
    const sums = f64 ? new Float64Array(n) : new Float32Array(n);
    kernels().softmaxRows(xd, n, c, pd, sums);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const row = i * c;
      let m = -Infinity;
      for (let j = 0; j < c; j++) if (xd[row + j] > m) m = xd[row + j];
      let lse: number;
      if (Number.isFinite(m)) lse = m + Math.log(sums[i]);
      else {
        // An infinite max (or a row of −∞): unshifted, as before the kernel did the exponentials.
        let s = 0;
        for (let j = 0; j < c; j++) s += Math.exp(xd[row + j]);
        lse = Math.log(s);
      }
      let acc = 0;
      let ts = 0;
      for (let j = 0; j < c; j++) {
        const t = td[row + j];
        // Skipping zero targets keeps index and one-hot labels bit-identical (and 0·(−∞) out).
        if (t !== 0) {
          acc += t * (xd[row + j] - lse);
          ts += t;
        }
      }
      rowSum.data[i] = ts;
      total -= acc;
    }
    save(onehot, rowSum, prob);
    // The mean over an empty batch is NaN (as PyTorch), never a silent 0.
    return full([], n === 0 ? NaN : total / n, { dtype: x.dtype });
  },
  backward: (gy, node) => {
    const [onehot, rowSum, prob] = node.saved!;
    const x = node.inputs[0];
    const scale = mul(gy, 1 / x.shape[0]);
    let gx: Tensor | null = null;
    if (node.needsGrad(0))
      gx = isGradEnabled()
        ? mul(sub(mul(softmax(x, 1), rowSum), onehot), scale)
        : logitGrad(prob, rowSum, onehot, scale);
    const gt = node.inputs.length > 1 && node.needsGrad(1) ? mul(neg(logSoftmax(x, 1)), scale) : null;
    return node.inputs.length > 1 ? [gx, gt] : [gx];
  },
});

/** (p·Σt − t)·scale in one loop, rounded after each step as the tensor ops round. */
function logitGrad(prob: Tensor, rowSum: Tensor, onehot: Tensor, scale: Tensor): Tensor {
  const [n, c] = prob.shape;
  const p = prob.data;
  const rs = rowSum.data;
  const t = onehot.data;
  const g = scale.data[0];
  if (prob.dtype === 'float32') {
    const out = new Float32Array(n * c);
    for (let i = 0, k = 0; i < n; i++) {
      const r = rs[i];
      for (let j = 0; j < c; j++, k++) out[k] = Math.fround(Math.fround(p[k] * r) - t[k]) * g;
    }
    return new Tensor(out, [n, c]);
  }
  const out = new Float64Array(n * c);
  for (let i = 0, k = 0; i < n; i++) {
    const r = rs[i];
    for (let j = 0; j < c; j++, k++) out[k] = (p[k] * r - t[k]) * g;
  }
  return new Tensor(out, [n, c]);
}

/**
 * Mean cross-entropy of softmax(logits) against labels, fused and numerically stable (finite
 * for logits of ±1000). Labels are int32 class indices of shape `[N]`, or one-hot (or
 * probability) rows of shape `[N, C]` — told apart by shape, as the book does. The gradient
 * w.r.t. the logits is (softmax − onehot)/N.
 *
 * @example
 * softmaxCrossEntropy(tensor([[2, 1, 0]]), tensor([0], { dtype: 'int32' })); // 0.4076
 * softmaxCrossEntropy(logits, oneHotTargets).backward();
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
  const who = 'softmaxCrossEntropy';
  checkTensor(who, 'logits', logits);
  checkTensor(who, 'labels', labels);
  if (!isFloat(logits.dtype)) throw new DTypeError(`${who}: logits must be float32 or float64, got ${logits.dtype}`);
  if (logits.ndim !== 2) {
    throw new ShapeError(`${who}: logits must be [N,C], got [${logits.shape.join(',')}]`);
  }
  const [n, c] = logits.shape;
  if (labels.ndim === 1 && labels.shape[0] === n) {
    if (labels.dtype !== 'int32') {
      throw new DTypeError(
        `${who}: class-index labels of shape [${n}] must be int32, got ${labels.dtype}; use .astype('int32'), ` +
          `or pass one-hot targets of shape [${n},${c}]`,
      );
    }
    const indices = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = labels.data[i];
      if (v < 0 || v >= c) throw new IndexError(`${who}: label ${v} at row ${i} is out of range for ${c} classes`);
      indices[i] = v;
    }
    return runOp(softmaxCrossEntropyOp, [logits], { indices });
  }
  if (labels.ndim === 2 && labels.shape[0] === n && labels.shape[1] === c) {
    const t = labels.dtype === logits.dtype ? labels : astype(labels, logits.dtype);
    return runOp(softmaxCrossEntropyOp, [logits, t], { indices: null });
  }
  throw new ShapeError(
    `${who}: labels must be int32 class indices of shape [${n}] or one-hot targets of shape [${n},${c}] ` +
      `for logits [${n},${c}], got [${labels.shape.join(',')}] (${labels.dtype})`,
  );
}
