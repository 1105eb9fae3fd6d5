import fc from 'fast-check';
import * as tg from '@tapegrad/core';
import { Rng, Tensor, tensor } from '@tapegrad/core';
import type { Param } from '../cases';
import { type Nd, nd } from '../reference';

// What the core suites share: tensors made from seeds, the junk tables and the usual parameters.

export const make = (shape: number[], seed: number, dtype: tg.DType, lo = -3, hi = 3): Tensor => {
  const rng = new Rng(seed);
  const n = shape.reduce((p, d) => p * d, 1);
  return tensor(
    Array.from({ length: n }, () => Math.round(rng.uniform(lo, hi) * 64) / 64),
    { shape, dtype },
  );
};
export const arbShape = fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 });
export const arbFloat = (lo = -3, hi = 3): fc.Arbitrary<Tensor> =>
  fc
    .record({ shape: arbShape, seed: fc.nat(), dtype: fc.constantFrom<tg.DType>('float32', 'float64') })
    .map(({ shape, seed, dtype }) => make(shape, seed, dtype, lo, hi));
export const arbX = arbFloat();
export const arbAxis = (x: Tensor): fc.Arbitrary<number> => {
  const n = Math.max(x.ndim, 1);
  return fc.integer({ min: -n, max: n - 1 });
};
export const arbAxisArg = (x: Tensor): fc.Arbitrary<number | number[] | undefined> =>
  fc.oneof(fc.constant(undefined), arbAxis(x), fc.subarray(x.shape.map((_, i) => i)));
export const ref = (t: Tensor): Nd => nd(t.shape, t.data);
export const sum = (vs: number[]): number => vs.reduce((a, b) => a + b, 0);

export const fn = (f: unknown) => f as (...args: unknown[]) => unknown;

export const JUNK = {
  tensor: fc.constantFrom<unknown>(null, undefined, 3, '3', {}, [], [1, 2], () => 1, new Float32Array(2), true),
  floatTensor: fc.constantFrom<unknown>(
    null,
    undefined,
    '3',
    {},
    [1, 2],
    new Float64Array(1),
    tensor([1, 2], { dtype: 'int32' }),
  ),
  axis: fc.constantFrom<unknown>(1.5, NaN, '0', 99, -99, {}, true, Infinity, [1.5], ['0']),
  keepdims: fc.constantFrom<unknown>('yes', 1, 0, null, {}, 'true'),
  shape: fc.constantFrom<unknown>(null, -1, 'abc', [-1], [1.5], [NaN], [Infinity], ['2'], [1e10, 1e10], {}, [[2]]),
  number: fc.constantFrom<unknown>('1', null, {}, [], true, 1n),
  finite: fc.constantFrom<unknown>(NaN, Infinity, '1', null, {}, [], true),
  int: fc.constantFrom<unknown>(-1, 1.5, NaN, '2', Infinity, null, {}, 1e12),
  options: fc.constantFrom<unknown>(
    null,
    5,
    'x',
    [],
    { bogus: 1 },
    { dtype: 'float16' },
    { requiresGrad: 'yes' },
    { dtype: 7 },
  ),
  dtype: fc.constantFrom<unknown>('float16', 'int64', 7, null, {}, 'Float32'),
  values: fc.constantFrom<unknown>(
    null,
    undefined,
    'abc',
    {},
    [[1], [1, 2]],
    [1, '2'],
    [[1, 2], 3],
    () => 1,
    Symbol('s'),
  ),
};

/** A float tensor argument (int32 is junk for it). */
export const X: Param = { name: 'x', junk: JUNK.floatTensor };
/** A tensor argument of any dtype. */
export const XA: Param = { name: 'x', junk: JUNK.tensor };
export const AXIS: Param = { name: 'axis', junk: JUNK.axis };
export const KEEP: Param = { name: 'keepdims', junk: JUNK.keepdims };
export const SHAPE: Param = { name: 'shape', junk: JUNK.shape };
export const OPTIONS: Param = { name: 'options', aliases: ['option', 'dtype', 'requiresGrad'], junk: JUNK.options };
