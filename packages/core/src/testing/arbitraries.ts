import fc from 'fast-check';
import type { DType } from '../dtype';
import { Tensor } from '../tensor';
import { allocate } from '../dtype';
import { ValueError } from '../errors';

/** Bounds of the shapes the arbitraries generate. */
export interface ShapeConstraints {
  /** Fewest axes. Default 0 (scalars included). */
  minRank?: number;
  /** Most axes. Default 4. */
  maxRank?: number;
  /** Smallest extent. Default 1. */
  minDim?: number;
  /** Largest extent. Default 5. */
  maxDim?: number;
}

/**
 * Random shapes (size-1 axes included).
 *
 * @example
 * fc.assert(fc.property(arbShape({ maxRank: 3 }), (s) => zeros(s).ndim === s.length));
 */
export function arbShape(c: ShapeConstraints = {}): fc.Arbitrary<number[]> {
  const { minRank = 0, maxRank = 4, minDim = 1, maxDim = 5 } = c;
  return fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

/** Options of {@link arbTensor}. */
export interface ArbTensorOptions extends ShapeConstraints {
  /** A fixed shape, or an arbitrary of shapes (default `arbShape(constraints)`). */
  shape?: readonly number[] | fc.Arbitrary<readonly number[]>;
  /** Element type. Default float64 (gradient checks want it). */
  dtype?: DType;
  /** Smallest value. Default −2. */
  min?: number;
  /** Largest value. Default 2. */
  max?: number;
  /** Keep values at least this far from each of these points (kinks: 0 for relu/abs). */
  avoid?: readonly number[];
  /** Minimum distance from the `avoid` points. Default 1e-3. */
  margin?: number;
}

/**
 * Random tensors: a shape (fixed or drawn) and values uniform in [min, max] (integers for int32).
 *
 * @example
 * fc.assert(fc.property(arbTensor({ min: 0.1, max: 2 }), (x) => gradcheck((t) => t.log(), [x]).ok));
 */
export function arbTensor(options: ArbTensorOptions = {}): fc.Arbitrary<Tensor> {
  const { dtype = 'float64', min = -2, max = 2, avoid = [], margin = 1e-3 } = options;
  // A NaN point or an empty range would make the element filter reject everything and hang.
  if (!(min <= max) || !avoid.every(Number.isFinite) || !(margin >= 0)) {
    throw new ValueError(
      `arbTensor: needs min ≤ max, finite avoid points and margin ≥ 0; got min=${min}, max=${max}, avoid=[${avoid.join(',')}], margin=${margin}`,
    );
  }
  const shapeArb: fc.Arbitrary<readonly number[]> =
    options.shape === undefined
      ? arbShape(options)
      : Array.isArray(options.shape)
        ? fc.constant(options.shape as readonly number[])
        : (options.shape as fc.Arbitrary<readonly number[]>);
  return shapeArb.chain((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const elem =
      dtype === 'int32'
        ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
        : fc
            .double({ min, max, noNaN: true, noDefaultInfinity: true })
            .filter((v) => avoid.every((p) => Math.abs(v - p) >= margin));
    return fc.array(elem, { minLength: n, maxLength: n }).map((vals) => {
      const data = allocate(dtype, n);
      for (let i = 0; i < n; i++) data[i] = vals[i];
      return new Tensor(data, [...shape]);
    });
  });
}

/**
 * `n` shapes that broadcast together under NumPy's rules: a common shape from which each
 * operand drops leading axes and sets some extents to 1.
 *
 * @example
 * fc.assert(fc.property(arbBroadcastableShapes(2), ([a, b]) => broadcastShapes('t', a, b).length >= a.length));
 */
export function arbBroadcastableShapes(n: number, c: ShapeConstraints = {}): fc.Arbitrary<number[][]> {
  return arbShape(c).chain((full) =>
    fc.tuple(
      ...Array.from({ length: n }, () =>
        fc
          .tuple(
            fc.integer({ min: 0, max: full.length }),
            fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
          )
          .map(([drop, ones]) => full.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d))),
      ),
    ),
  );
}

/**
 * Operand shapes valid for `matmul`: 1-D, 2-D and batched N-d with broadcasting batch dims.
 *
 * @example
 * fc.assert(fc.property(arbMatmulShapes(), ([a, b]) => matmul(zeros(a), zeros(b)) !== null));
 */
export function arbMatmulShapes(
  c: { maxDim?: number; maxBatchRank?: number } = {},
): fc.Arbitrary<[number[], number[]]> {
  const { maxDim = 5, maxBatchRank = 2 } = c;
  const dim = fc.integer({ min: 1, max: maxDim });
  return fc
    .record({
      m: dim,
      k: dim,
      n: dim,
      aVec: fc.boolean(),
      bVec: fc.boolean(),
      batch: arbBroadcastableShapes(2, { minRank: 0, maxRank: maxBatchRank, maxDim: 3 }),
    })
    .map(({ m, k, n, aVec, bVec, batch: [ba, bb] }) => {
      const a = aVec ? [k] : [...ba, m, k];
      const b = bVec ? [k] : [...bb, k, n];
      return [a, b] as [number[], number[]];
    });
}
