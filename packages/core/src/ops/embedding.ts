import { type Op, defineOp, runOp } from '../autograd/op';
import { checkInteger, checkOptions, checkTensor } from '../check';
import { empty } from '../creation';
import { IndexError, fmtShape } from '../errors';
import { kernels } from '../kernels';
import type { Tensor } from '../tensor';
import { checkFloat } from './util';

interface EmbeddingGradAttrs {
  paddingIdx: number;
  /** numEmbeddings: the rows of the weight's gradient. */
  rows: number;
}

interface EmbeddingAttrs {
  /** The row that gets no gradient, or −1. */
  paddingIdx: number;
  /** Give zero rows at padding positions (the double backward's forward), instead of the row. */
  zeroPadding: boolean;
}

/**
 * Row lookup: out[..., :] = weight[indices[...], :]. The int32 indices are the node's second
 * input (never differentiated), so a tracer sees them as a value of the graph.
 */
const embeddingOp: Op<EmbeddingAttrs> = defineOp<EmbeddingAttrs>({
  name: 'embedding',
  forward: ([weight, indices], { paddingIdx, zeroPadding }) => {
    const [v, d] = weight.shape;
    const idx = indices.data as Int32Array;
    const out = empty([...indices.shape, d], weight.dtype);
    kernels().gatherAxis(weight.data, 1, v, d, idx, out.data);
    if (zeroPadding && paddingIdx >= 0) {
      for (let i = 0; i < idx.length; i++) if (idx[i] === paddingIdx) out.data.fill(0, i * d, (i + 1) * d);
    }
    return out;
  },
  backward: (gy, node) => {
    const [weight, indices] = node.inputs;
    return [runOp(embeddingGradOp, [gy, indices], { paddingIdx: node.attrs.paddingIdx, rows: weight.shape[0] }), null];
  },
});

/**
 * The adjoint: rows of gy added into zeros at their indices (repeats accumulate), the padding row
 * left zero, as PyTorch. Its own adjoint is the lookup with zero rows at padding positions.
 */
const embeddingGradOp: Op<EmbeddingGradAttrs> = defineOp<EmbeddingGradAttrs>({
  name: 'embeddingBackward',
  forward: ([g, indices], { paddingIdx, rows }) => {
    const d = g.shape[g.ndim - 1];
    const out = empty([rows, d], g.dtype);
    kernels().scatterAddAxis(g.data, 1, rows, d, indices.data as Int32Array, out.data);
    if (paddingIdx >= 0) out.data.fill(0, paddingIdx * d, (paddingIdx + 1) * d);
    return out;
  },
  backward: (gg, node) => [
    runOp(embeddingOp, [gg, node.inputs[1]], { paddingIdx: node.attrs.paddingIdx, zeroPadding: true }),
    null,
  ],
});

/** Options of {@link embedding}. */
export interface EmbeddingOptions {
  /** A row index (negative counts from the end) whose row receives no gradient. */
  paddingIdx?: number | null;
}

/**
 * Looks up rows of `weight` ([numEmbeddings, dim]) at int32 `indices` of any shape, giving
 * `[...indices.shape, dim]` (PyTorch's `F.embedding`). The gradient of `weight` adds up the
 * rows' gradients at each index; the `paddingIdx` row gets none. An index outside
 * 0 … numEmbeddings−1 is an IndexError.
 *
 * @example
 * embedding(tensor([[0, 2]], { dtype: 'int32' }), randn([3, 4])).shape; // [1, 2, 4]
 */
export function embedding(indices: Tensor, weight: Tensor, options?: EmbeddingOptions): Tensor {
  const fn = 'embedding';
  const o = checkOptions(fn, options, ['paddingIdx']);
  checkTensor(fn, 'indices', indices, { dtype: 'int32' });
  checkTensor(fn, 'weight', weight, { ndim: 2 });
  checkFloat(fn, 'weight', weight);
  const v = weight.shape[0];
  let paddingIdx = -1;
  if (o.paddingIdx !== undefined && o.paddingIdx !== null) {
    const p = checkInteger(fn, 'paddingIdx', o.paddingIdx, { min: -v, max: v - 1 });
    paddingIdx = p < 0 ? p + v : p;
  }
  const idx = indices.data;
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] < 0 || idx[i] >= v) {
      throw new IndexError(
        `${fn}: index ${idx[i]} (at flat position ${i} of indices ${fmtShape(indices.shape)}) is out of range ` +
          `for ${v} embeddings (weight ${fmtShape(weight.shape)}); valid indices are 0 … ${v - 1}`,
      );
    }
  }
  return runOp(embeddingOp, [weight, indices], { paddingIdx, zeroPadding: false });
}
