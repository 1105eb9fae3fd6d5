import fc from 'fast-check';
import * as tg from '@tapegrad/core';
import { arbBroadcastableShapes, arbShape, arbTensor, gradgradcheck } from '@tapegrad/core/testing';

const RUNS = { numRuns: 50 };
const small = { maxRank: 2, maxDim: 3 };

/** Two float64 tensors of broadcast-compatible shapes; `b` drawn from [bMin, bMax]. */
const pair = (aMin = -2, aMax = 2, bMin = -2, bMax = 2) =>
  arbBroadcastableShapes(2, small).chain(([a, b]) =>
    fc.tuple(arbTensor({ shape: a, min: aMin, max: aMax }), arbTensor({ shape: b, min: bMin, max: bMax })),
  );

const unary = (min = -2, max = 2) => arbShape(small).chain((s) => arbTensor({ shape: s, min, max }));

describe('gradgradcheck: binary elementwise ops (with broadcasting)', () => {
  test.each([
    ['add', tg.add],
    ['mul', tg.mul],
    ['sub', tg.sub],
  ])('%s', (_name, op) => {
    // add/sub are linear: square the result so the second derivative is not trivially zero.
    const f = (a: tg.Tensor, b: tg.Tensor) => {
      const y = op(a, b);
      return y.mul(y);
    };
    fc.assert(
      fc.property(pair(), ([a, b]) => {
        expect(gradgradcheck(f, [a, b]).ok).toBe(true);
        expect(gradgradcheck((x, y) => op(x, y), [a, b]).ok).toBe(true);
      }),
      RUNS,
    );
  });

  test('div (denominator in [0.5, 2])', () => {
    fc.assert(
      fc.property(pair(-2, 2, 0.5, 2), ([a, b]) => {
        expect(gradgradcheck(tg.div, [a, b]).ok).toBe(true);
      }),
      RUNS,
    );
  });

  test('pow with a tensor exponent (base in [0.5, 2])', () => {
    fc.assert(
      fc.property(pair(0.5, 2, -2, 2), ([a, b]) => {
        expect(gradgradcheck(tg.pow, [a, b]).ok).toBe(true);
      }),
      RUNS,
    );
  });

  test('pow with a constant exponent', () => {
    fc.assert(
      fc.property(unary(0.5, 2), fc.constantFrom(2, 3, -1, 0.5, 1.7), (x, c) => {
        expect(gradgradcheck((t) => tg.pow(t, c), [x]).ok).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('gradgradcheck: unary elementwise ops', () => {
  test.each([
    ['exp', tg.exp, -2, 2],
    ['log', tg.log, 0.5, 2],
    ['sqrt', tg.sqrt, 0.5, 2],
    ['sigmoid', tg.sigmoid, -3, 3],
    ['tanh', tg.tanh, -2, 2],
  ] as const)('%s', (_name, op, min, max) => {
    fc.assert(
      fc.property(unary(min, max), (x) => {
        expect(gradgradcheck((t) => op(t), [x]).ok).toBe(true);
      }),
      RUNS,
    );
  });
});
