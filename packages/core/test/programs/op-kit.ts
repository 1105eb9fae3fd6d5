import {
  type AxisArg,
  Rng,
  Tensor,
  add,
  broadcastShapes,
  ge,
  le,
  matmul,
  max,
  min,
  noGrad,
  reshape,
  sizeOf,
  sub,
  sum,
  tensor,
} from '@tapegrad/core';
import { type Choices, clearOf, values } from './choices';

/** What a step applies once its operands and parameters are fixed. */
export type Apply = (...xs: Tensor[]) => Tensor;

/**
 * One entry of the generated-program test: a public differentiable op (or a composite), how
 * many operands it takes from the values computed so far, and how to fix its parameters for
 * given operands. `build` looks at the operands' shapes and values (at the point the program is
 * built) and returns null where the op does not apply or sits at a kink or a pole, where central
 * differences are not a derivative. A new op is one more entry.
 */
export interface OpEntry {
  readonly name: string;
  readonly arity: 1 | 2 | 3;
  build(xs: readonly Tensor[], c: Choices): Apply | null;
}

export const unary = (name: string, f: (x: Tensor) => Tensor, ok: (x: Tensor) => boolean = () => true): OpEntry => ({
  name,
  arity: 1,
  build: ([x]) => (ok(x) ? f : null),
});

export const broadcasts = (a: Tensor, b: Tensor): boolean => {
  try {
    broadcastShapes('test', a.shape, b.shape);
    return true;
  } catch {
    return false;
  }
};

/** A binary op on two operands that broadcast, or on one operand and a number (either side). */
export const binary = (
  name: string,
  f: (a: Tensor | number, b: Tensor | number) => Tensor,
  ok: (b: Tensor | number) => boolean = () => true,
): OpEntry => ({
  name,
  arity: 2,
  build: ([a, b], c) => {
    const mode = c.int(4);
    if (mode === 0) {
      const k = c.uniform(0.5, 2) * (c.bool() ? 1 : -1);
      return ok(k) ? (x) => f(x, k) : null;
    }
    if (mode === 1) {
      const k = c.uniform(0.5, 2) * (c.bool() ? 1 : -1);
      return ok(a) ? (x) => f(k, x) : null;
    }
    return broadcasts(a, b) && ok(b) ? (x, y) => f(x, y) : null;
  },
});

export const awayFromZero = (t: Tensor | number, margin = 0.3): boolean =>
  typeof t === 'number' ? Math.abs(t) >= margin : clearOf(t, [0], margin);

/** The axis argument of a reduction: all, one axis (maybe negative), or a list. */
export function axisArg(x: Tensor, c: Choices): AxisArg {
  const kind = c.int(4);
  if (kind === 0) return undefined;
  if (kind === 1 || x.ndim < 2) return c.axis(x.ndim);
  const axes = c.permutation(x.ndim).slice(0, 1 + c.int(x.ndim));
  return axes.map((a) => (c.bool() ? a - x.ndim : a));
}

/** No two entries of one reduced group within 0.05 of the extreme (ties are kinks). */
export function noTies(x: Tensor, axis: AxisArg, which: 'max' | 'min'): boolean {
  return noGrad(() => {
    if (x.size === 0) return false;
    const m = which === 'max' ? max(x, axis, true) : min(x, axis, true);
    const near = which === 'max' ? ge(x, sub(m, 0.05)) : le(x, add(m, 0.05));
    return values(sum(near, axis)).every((n) => n === 1);
  });
}

export const reduction = (
  name: string,
  f: (x: Tensor, axis: AxisArg, keepdims: boolean) => Tensor,
  ties?: 'max' | 'min',
): OpEntry => ({
  name,
  arity: 1,
  build: ([x], c) => {
    const axis = axisArg(x, c);
    const keepdims = c.bool();
    if (ties && !noTies(x, axis, ties)) return null;
    return (t) => f(t, axis, keepdims);
  },
});

/** `t` as a matrix: itself when 2-d, else its rows of the last axis (a scalar as [1, 1]). */
export const matrix = (t: Tensor): Tensor =>
  t.ndim === 2 ? t : t.ndim === 0 ? reshape(t, [1, 1]) : reshape(t, [-1, t.shape[t.ndim - 1]]);

/**
 * A differentiable map of any operand onto `shape`, for ops that need operands of a given rank
 * (images, weights, states): the operand's values as a row times a fixed random matrix, scaled so
 * the result keeps the operand's magnitude. Every output mixes every input value, so its values
 * are generic (no ties, no structure that a previous step left, such as relu's zeros).
 */
export function shaped(x: Tensor, shape: readonly number[], c: Choices): (t: Tensor) => Tensor {
  const rng = new Rng(c.int(1_000_000_007));
  const n = sizeOf(shape);
  const scale = 1 / Math.sqrt(Math.max(x.size, 1));
  const m = tensor(
    Array.from({ length: x.size * n }, () => rng.uniform(-1.5, 1.5) * scale),
    { shape: [x.size, n], dtype: 'float64' },
  );
  return (t) => reshape(matmul(reshape(t, [1, x.size]), m), [...shape]);
}

/** True when no two values of `t` in one group of its last `trailing` axes lie within `margin`. */
export function distinct(t: Tensor, trailing: number, margin = 0.01): boolean {
  const group = sizeOf(t.shape.slice(t.ndim - trailing));
  const vs = values(t);
  for (let g = 0; g < vs.length; g += group) {
    const sorted = vs.slice(g, g + group).sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) if (sorted[i] - sorted[i - 1] < margin) return false;
  }
  return true;
}
