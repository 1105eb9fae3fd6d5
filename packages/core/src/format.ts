import type { Tensor } from './tensor';
import type { NestedArray } from './tensor';

const EDGE = 3;
const LIMIT = 1000;

/**
 * The key Node's `util.inspect` (and so `console.log`) looks up for a custom rendering; a
 * registered symbol, so nothing Node-only is imported and browsers simply ignore it.
 */
export const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom');

function fmtNumber(v: number, isInt: boolean): string {
  if (isInt || Number.isInteger(v)) return String(v);
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e6)) return v.toExponential(4);
  return String(Number(v.toFixed(4)));
}

/**
 * PyTorch's name for the backward node of an op: `mul` → `MulBackward`,
 * `softmaxCrossEntropy` → `SoftmaxCrossEntropyBackward`.
 *
 * @example
 * gradFnName('mul'); // 'MulBackward'
 * gradFnName('broadcastTo'); // 'BroadcastToBackward'
 */
export function gradFnName(opName: string): string {
  return `${opName.charAt(0).toUpperCase()}${opName.slice(1)}Backward`;
}

/**
 * PyTorch-style text of a tensor: the values (the middle of long axes elided when it has over
 * 1000 elements), then dtype, shape and its place on the tape — `grad_fn=<MulBackward>` for a
 * recorded result, `requires_grad=true` for a leaf that requires grad.
 *
 * @example
 * formatTensor(tensor([1, 2])); // 'tensor([1, 2], dtype=float32, shape=[2])'
 * formatTensor(x.mul(2)); // 'tensor([2, 4], dtype=float32, shape=[2], grad_fn=<MulBackward>)'
 */
export function formatTensor(t: Tensor): string {
  const isInt = t.dtype === 'int32';
  const summarise = t.size > LIMIT;
  const { shape, data } = t;
  const render = (axis: number, offset: number, stride: number, indent: string): string => {
    if (axis === shape.length) return fmtNumber(data[offset], isInt);
    const n = shape[axis];
    const inner = n === 0 ? 0 : stride / n;
    const idx: (number | null)[] = [];
    if (summarise && n > 2 * EDGE) {
      for (let i = 0; i < EDGE; i++) idx.push(i);
      idx.push(null);
      for (let i = n - EDGE; i < n; i++) idx.push(i);
    } else for (let i = 0; i < n; i++) idx.push(i);
    const parts = idx.map((i) => (i === null ? '...' : render(axis + 1, offset + i * inner, inner, indent + ' ')));
    const sep =
      axis === shape.length - 1 ? ', ' : ',\n' + '\n'.repeat(Math.max(0, shape.length - axis - 2)) + indent + ' ';
    return '[' + parts.join(sep) + ']';
  };
  const body = t.size === 0 ? '[]' : render(0, 0, t.size, '       ');
  const extra = [`dtype=${t.dtype}`, `shape=[${shape.join(',')}]`];
  if (t.creator !== null) extra.push(`grad_fn=<${gradFnName(t.creator.op.name)}>`);
  else if (t.requiresGrad) extra.push('requires_grad=true');
  return `tensor(${body}, ${extra.join(', ')})`;
}

/** What `JSON.stringify(tensor)` writes (see {@link tensorToJSON}). */
export interface TensorJSON {
  dtype: string;
  shape: number[];
  /** The values as nested arrays (a number for a scalar); NaN and ±Infinity become null in JSON. */
  data: NestedArray;
}

/**
 * A tensor as plain JSON-ready data: dtype, shape and nested values.
 *
 * @example
 * JSON.stringify(tensor([1, 2])); // '{"dtype":"float32","shape":[2],"data":[1,2]}'
 * tensorToJSON(zeros([2, 0])).data; // [[], []]
 */
export function tensorToJSON(t: Tensor): TensorJSON {
  return { dtype: t.dtype, shape: [...t.shape], data: t.toArray() };
}
