import { type Op, defineOp, runOp } from '../autograd/op';
import { checkNumber, checkOneOf, checkOptions, checkTensor, describe } from '../check';
import { empty, full, zeros } from '../creation';
import { ShapeError, ValueError, fmtShape } from '../errors';
import { kernels } from '../kernels';
import { splitAt, stridesOf } from '../shape';
import { Tensor } from '../tensor';
import { type SliceSpec, slice } from './slice';

/** How {@link pad} fills: a constant, the mirror image without the edge, or the edge repeated. */
export type PadMode = 'constant' | 'reflect' | 'replicate';

interface PadAttrs {
  /** [before, after] for every axis. */
  widths: readonly (readonly [number, number])[];
  mode: PadMode;
  value: number;
  /** reflect/replicate: for each padded axis, the source position of every output position. */
  maps: readonly (readonly [number, Int32Array])[];
}

function shapeOf(shape: readonly number[], widths: PadAttrs['widths']): number[] {
  return shape.map((d, a) => d + widths[a][0] + widths[a][1]);
}

/** gy's part that came from x (constant padding): the interior, a slice. */
function interior(widths: PadAttrs['widths'], shape: readonly number[]): SliceSpec[] {
  return shape.map((d, a) => [widths[a][0], widths[a][0] + d] as const);
}

/**
 * Padding as one tape node. Constant: x written into a tensor of the value, so the gradient is
 * the interior slice of gy. Reflect and replicate: a gather along each padded axis, so the
 * gradient scatter-adds gy back along them (padBackward, whose own backward pads again).
 */
const padOp: Op<PadAttrs> = defineOp<PadAttrs>({
  name: 'pad',
  forward: ([x], attrs) => {
    const { widths, mode, value, maps } = attrs;
    if (mode === 'constant') {
      const out = full(shapeOf(x.shape, widths), value, { dtype: x.dtype });
      const strides = stridesOf(out.shape);
      const offset = widths.reduce((s, [before], a) => s + before * strides[a], 0);
      kernels().stridedScatter(x.data, out.data, offset, strides, x.shape);
      return out;
    }
    let cur = x;
    for (const [axis, map] of maps) {
      const [outer, len, inner] = splitAt(cur.shape, axis);
      const next = empty(
        cur.shape.map((d, a) => (a === axis ? map.length : d)),
        x.dtype,
      );
      kernels().gatherAxis(cur.data, outer, len, inner, map, next.data);
      cur = next;
    }
    return cur;
  },
  backward: (gy, node) => {
    const { mode, widths } = node.attrs;
    if (mode === 'constant') return [slice(gy, interior(widths, node.inputs[0].shape))];
    return [runOp(padBackwardOp, [gy], node.attrs)];
  },
});

/** The adjoint of reflect/replicate padding: gy summed back onto the positions it was copied from. */
const padBackwardOp: Op<PadAttrs> = defineOp<PadAttrs>({
  name: 'padBackward',
  forward: ([gy], { maps, widths }) => {
    let cur = gy;
    for (let i = maps.length - 1; i >= 0; i--) {
      const [axis, map] = maps[i];
      const len = cur.shape[axis] - widths[axis][0] - widths[axis][1];
      const next = zeros(
        cur.shape.map((d, a) => (a === axis ? len : d)),
        { dtype: gy.dtype },
      );
      const [outer, , inner] = splitAt(next.shape, axis);
      kernels().scatterAddAxis(cur.data, outer, len, inner, map, next.data);
      cur = next;
    }
    return cur;
  },
  backward: (gg, node) => [runOp(padOp, [gg], node.attrs)],
});

/** The source position of each output position of an axis of extent n padded by [before, after]. */
function sourceMap(mode: 'reflect' | 'replicate', n: number, before: number, after: number): Int32Array {
  const map = new Int32Array(n + before + after);
  for (let j = 0; j < map.length; j++) {
    const s = j - before;
    map[j] = mode === 'replicate' ? Math.min(Math.max(s, 0), n - 1) : s < 0 ? -s : s >= n ? 2 * (n - 1) - s : s;
  }
  return map;
}

/** Options of {@link pad}. */
export interface PadOptions {
  /** 'constant' (default), 'reflect' or 'replicate'. */
  mode?: PadMode;
  /** The fill of constant padding (default 0). */
  value?: number;
}

/** [before, after] per axis from PyTorch's flat form (last axis first) or NumPy's pairs (first axis first). */
function resolveWidths(x: Tensor, widths: unknown): [number, number][] {
  const bad = (): never => {
    throw new ValueError(
      `pad: widths must be non-negative integers, flat as PyTorch's [left, right, top, bottom, …] (last axis first) ` +
        `or pairs as NumPy's [[before, after], …] (first axis first), for x of shape ${fmtShape(x.shape)}; got ${describe(widths)}`,
    );
  };
  const ok = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!Array.isArray(widths)) return bad();
  const out = x.shape.map(() => [0, 0] as [number, number]);
  if (widths.every(Array.isArray)) {
    if (widths.length !== x.ndim || !widths.every((p) => p.length === 2 && p.every(ok))) return bad();
    widths.forEach((p, a) => (out[a] = [p[0], p[1]]));
  } else {
    if (widths.length % 2 !== 0 || widths.length / 2 > x.ndim || !widths.every(ok)) return bad();
    for (let i = 0; i < widths.length / 2; i++) out[x.ndim - 1 - i] = [widths[2 * i], widths[2 * i + 1]];
  }
  return out;
}

/**
 * Pads x (`torch.nn.functional.pad`, `np.pad`): `widths` is PyTorch's flat list from the last
 * axis backwards (`[left, right, top, bottom]` pads W then H) or NumPy's `[before, after]` pair
 * for every axis. Modes: 'constant' fills with `value` (default 0); 'reflect' mirrors without
 * repeating the edge (widths below the axis's extent); 'replicate' repeats the edge.
 *
 * @example
 * pad(tensor([1, 2, 3]), [2, 1], { mode: 'reflect' }).toArray(); // [3, 2, 1, 2, 3, 2]
 * pad(zeros([1, 3, 4, 4]), [1, 1, 1, 1]).shape; // [1, 3, 6, 6]
 */
export function pad(
  x: Tensor,
  widths: readonly number[] | readonly (readonly number[])[],
  options?: PadOptions,
): Tensor {
  checkTensor('pad', 'x', x);
  const o = checkOptions('pad', options, ['mode', 'value']);
  const mode = checkOneOf('pad', 'mode', o.mode ?? 'constant', ['constant', 'reflect', 'replicate'] as const);
  const value = o.value === undefined ? 0 : checkNumber('pad', 'value', o.value, { finite: false });
  if (mode !== 'constant' && o.value !== undefined)
    throw new ValueError(`pad: value applies to mode 'constant' only, got mode '${mode}'`);
  const w = resolveWidths(x, widths);
  const maps: [number, Int32Array][] = [];
  if (mode !== 'constant') {
    w.forEach(([before, after], axis) => {
      if (before === 0 && after === 0) return;
      const n = x.shape[axis];
      if (mode === 'reflect' ? before >= n || after >= n : n === 0) {
        throw new ShapeError(
          `pad: ${mode} padding of (${before}, ${after}) on axis ${axis} needs ${mode === 'reflect' ? 'widths below the extent' : 'a non-empty axis'}, x is ${fmtShape(x.shape)}`,
        );
      }
      maps.push([axis, sourceMap(mode, n, before, after)]);
    });
  }
  if (w.every(([b, a]) => b === 0 && a === 0)) return x;
  return runOp(padOp, [x], { widths: w, mode, value, maps });
}

declare module '../tensor' {
  interface Tensor {
    /**
     * This tensor padded (constant, reflect or replicate): {@link pad}.
     *
     * @example
     * tensor([1, 2]).pad([1, 1], { value: 9 }).toArray(); // [9, 1, 2, 9]
     */
    pad(widths: readonly number[] | readonly (readonly number[])[], options?: PadOptions): Tensor;
  }
}

Tensor.prototype.pad = function (widths, options) {
  return pad(this, widths, options);
};
