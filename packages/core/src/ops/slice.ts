import { defineOp, runOp } from '../autograd/op';
import { empty } from '../creation';
import { checkTensor, describe } from '../check';
import { IndexError, ShapeError, ValueError, fmtShape } from '../errors';
import { kernels } from '../kernels';
import { sizeOf, stridesOf } from '../shape';
import { Tensor } from '../tensor';

/**
 * How one axis is indexed: a number picks one position and drops the axis (negative counts from
 * the end); `null` keeps the whole axis; `[start, stop, step]` is Python's `start:stop:step`
 * (any part null or omitted, negative allowed).
 */
export type SliceSpec = number | null | readonly [(number | null)?, (number | null)?, (number | null)?];

/** A slice resolved against a shape: where it starts, how it strides, and what it yields. */
interface Resolved {
  offset: number;
  strides: number[];
  shape: number[];
}

/** A start, stop or step: an integer, or null/undefined for the default. */
function checkBound(v: unknown, what: string, axis: number, spec: unknown): void {
  if (v === null || v === undefined || (typeof v === 'number' && Number.isSafeInteger(v))) return;
  const hint = Array.isArray(v) ? ' (the method takes one spec per axis as separate arguments: x.slice([1, 3]))' : '';
  throw new IndexError(
    `slice: the ${what} of axis ${axis}'s spec ${describe(spec)} must be an integer or null, got ${describe(v)}${hint}`,
  );
}

function checkSpecs(specs: unknown): readonly SliceSpec[] {
  if (!Array.isArray(specs)) {
    throw new ValueError(`slice: specs must be a list with one spec per leading axis, got ${describe(specs)}`);
  }
  specs.forEach((spec: unknown, axis) => {
    if (spec === null || spec === undefined) return;
    if (typeof spec === 'number') {
      if (!Number.isSafeInteger(spec)) {
        throw new IndexError(`slice: the index for axis ${axis} must be an integer, got ${describe(spec)}`);
      }
      return;
    }
    if (!Array.isArray(spec) || spec.length > 3) {
      throw new ValueError(
        `slice: axis ${axis}'s spec must be an index, null or [start, stop, step], got ${describe(spec)}`,
      );
    }
    ['start', 'stop', 'step'].forEach((what, i) => checkBound(spec[i], what, axis, spec));
  });
  return specs as readonly SliceSpec[];
}

function resolve(x: Tensor, specs: readonly SliceSpec[]): Resolved {
  if (specs.length > x.ndim) {
    throw new ShapeError(`slice: ${specs.length} indices given for x of shape ${fmtShape(x.shape)}`);
  }
  const inStrides = stridesOf(x.shape);
  let offset = 0;
  const strides: number[] = [];
  const shape: number[] = [];
  x.shape.forEach((n, axis) => {
    const spec = axis < specs.length ? specs[axis] : null;
    if (typeof spec === 'number') {
      if (!Number.isInteger(spec) || spec < -n || spec >= n) {
        throw new IndexError(
          `slice: index ${spec} is out of range for axis ${axis} of extent ${n} (x is ${fmtShape(x.shape)})`,
        );
      }
      offset += (spec < 0 ? spec + n : spec) * inStrides[axis];
      return;
    }
    const [s0, e0, st0] = spec ?? [];
    const step = st0 ?? 1;
    if (!Number.isInteger(step) || step === 0)
      throw new ValueError(`slice: step must be a non-zero integer, got ${step} on axis ${axis}`);
    // Python's slice.indices(n).
    const clamp = (v: number | null | undefined, dflt: number, lo: number, hi: number): number => {
      if (v === null || v === undefined) return dflt;
      const w = v < 0 ? v + n : v;
      return Math.min(Math.max(w, lo), hi);
    };
    const start = step > 0 ? clamp(s0, 0, 0, n) : clamp(s0, n - 1, -1, n - 1);
    const stop = step > 0 ? clamp(e0, n, 0, n) : clamp(e0, -1, -1, n - 1);
    const len =
      step > 0 ? Math.max(0, Math.ceil((stop - start) / step)) : Math.max(0, Math.ceil((start - stop) / -step));
    if (len > 0) offset += start * inStrides[axis];
    strides.push(step * inStrides[axis]);
    shape.push(len);
  });
  return { offset, strides, shape };
}

/** The adjoint of slice: scatters gy into zeros of the input's shape. Its backward slices. */
const sliceGradOp = defineOp<{ specs: readonly SliceSpec[]; inShape: readonly number[] }>({
  name: 'sliceBackward',
  forward: ([g], { specs, inShape }) => {
    const out = empty(inShape, g.dtype);
    const r = resolve(out, specs);
    kernels().stridedScatter(g.data, out.data, r.offset, r.strides, r.shape);
    return out;
  },
  backward: (gg, node) => [slice(gg, node.attrs.specs)],
});

/** Whether the view is one contiguous block: each axis (extent > 1) strides over the ones after it. */
function contiguous({ strides, shape }: Resolved): boolean {
  let dense = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    if (shape[k] === 1) continue;
    if (strides[k] !== dense) return false;
    dense *= shape[k];
  }
  return true;
}

const sliceOp = defineOp<{ specs: readonly SliceSpec[] }>({
  name: 'slice',
  forward: ([x], { specs }) => {
    const r = resolve(x, specs);
    // A block of leading axes (a time step of a [T, B, H] sequence, a row) shares x's storage, as
    // reshape does: no copy.
    if (contiguous(r)) return new Tensor(x.data.subarray(r.offset, r.offset + sizeOf(r.shape)), r.shape);
    const out = empty(r.shape, x.dtype);
    kernels().stridedCopy(x.data, r.offset, r.strides, r.shape, out.data);
    return out;
  },
  backward: (gy, node) => [runOp(sliceGradOp, [gy], { specs: node.attrs.specs, inShape: node.inputs[0].shape })],
});

/**
 * Basic indexing, one spec per leading axis (NumPy's `x[1, :, ::2]` is `slice(x, [1, null, [null, null, 2]])`).
 * A slice that is one contiguous block of x (leading axes only, unit steps) shares x's storage,
 * as NumPy's views and tapegrad's reshape do; any other is a copy.
 *
 * @example
 * slice(tensor([[1, 2, 3], [4, 5, 6]]), [null, [1]]); // [[2, 3], [5, 6]]
 */
export function slice(x: Tensor, specs: readonly SliceSpec[]): Tensor {
  checkTensor('slice', 'x', x);
  resolve(x, checkSpecs(specs));
  return runOp(sliceOp, [x], { specs: [...specs] });
}

declare module '../tensor' {
  interface Tensor {
    /**
     * A slice, one spec per leading axis: {@link slice}.
     *
     * @example
     * arange(5).slice([1, 4]); // [1, 2, 3]
     */
    slice(...specs: SliceSpec[]): Tensor;
  }
}

Tensor.prototype.slice = function (...specs) {
  return slice(this, specs);
};
