import fc from 'fast-check';
import {
  type Tensor,
  cos,
  erf,
  gelu,
  logSigmoid,
  maximum,
  minimum,
  sin,
  softplus,
  tensor,
  DTypeError,
  ValueError,
} from '@tapegrad/core';
import {
  type ArbTensorOptions,
  arbBroadcastableShapes,
  arbTensor,
  gradcheck,
  gradgradcheck,
} from '@tapegrad/core/testing';

const TOL = { rtol: 1e-6, atol: 1e-8 };
const RUNS = { numRuns: 60 };
const SMALL = { maxRank: 3, maxDim: 4 };

function checkBoth(f: (x: Tensor) => Tensor, opts: ArbTensorOptions = {}): void {
  fc.assert(
    fc.property(arbTensor({ ...SMALL, ...opts }), (x) => {
      gradcheck(f, [x], TOL);
      gradgradcheck(f, [x]);
    }),
    RUNS,
  );
}

const f64 = (v: number[]) => tensor(v, { dtype: 'float64' });

describe('sin, cos, erf, gelu, softplus, logSigmoid: gradients and second derivatives', () => {
  test('sin', () => checkBoth(sin, { min: -4, max: 4 }));
  test('cos', () => checkBoth(cos, { min: -4, max: 4 }));
  test('erf', () => checkBoth(erf, { min: -3, max: 3 }));
  test('gelu, exact', () => checkBoth((x) => gelu(x), { min: -4, max: 4 }));
  test('gelu, tanh form', () => checkBoth((x) => gelu(x, 'tanh'), { min: -4, max: 4 }));
  test('softplus, default β and threshold', () => checkBoth((x) => softplus(x), { min: -6, max: 6 }));
  test('softplus, β and threshold drawn (away from the threshold kink)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 3, noNaN: true }),
        fc.double({ min: 0.5, max: 4, noNaN: true }),
        arbTensor({ ...SMALL, min: -3, max: 3 }),
        (beta, threshold, x) => {
          // Keep βx at least 1e-2 from the threshold, where the rule switches from σ(βx) to 1.
          if (Array.from(x.data).some((v) => Math.abs(beta * v - threshold) < 1e-2)) return;
          gradcheck((t) => softplus(t, beta, threshold), [x], TOL);
          gradgradcheck((t) => softplus(t, beta, threshold), [x]);
        },
      ),
      RUNS,
    );
  });
  test('logSigmoid', () => checkBoth(logSigmoid, { min: -8, max: 8 }));
  test('maximum and minimum with broadcasting, away from ties', () => {
    fc.assert(
      fc.property(
        arbBroadcastableShapes(2, SMALL).chain(([sa, sb]) =>
          fc.tuple(arbTensor({ shape: sa }), arbTensor({ shape: sb })),
        ),
        ([a, b]) => {
          for (const op of [maximum, minimum]) {
            const f = (x: Tensor, y: Tensor) => op(x, y).mul(op(x, y));
            const y = op(a, b);
            // A difference step must not cross a tie: skip draws within 1e-3 of one.
            const close = Array.from(a.broadcastTo(y.shape).sub(b.broadcastTo(y.shape)).data).some(
              (d) => Math.abs(d) < 1e-3,
            );
            if (close) continue;
            gradcheck(f, [a, b], TOL);
            gradgradcheck(f, [a, b]);
          }
        },
      ),
      RUNS,
    );
  });
});

describe('forward values, by hand', () => {
  test('sin and cos', () => {
    expect(sin(f64([0, Math.PI / 6, -Math.PI / 2])).toArray()).toEqual([0, Math.sin(Math.PI / 6), -1]);
    expect(cos(f64([0, Math.PI])).toArray()).toEqual([1, -1]);
  });

  test('erf: tabulated values (Abramowitz & Stegun 7.1), odd, ±1 at ±∞, NaN propagates', () => {
    const y = erf(f64([0, 0.5, 1, 2, -1, 3.5, Infinity, -Infinity, NaN])).toArray() as number[];
    const want = [
      0, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527, -0.8427007929497149, 0.9999992569016276,
    ];
    want.forEach((w, i) => expect(y[i]).toBeCloseTo(w, 15));
    expect(y.slice(6, 8)).toEqual([1, -1]);
    expect(Number.isNaN(y[8])).toBe(true);
  });

  test('gelu: x·Φ(x) exactly, and the tanh form as PyTorch (values from torch 1.13)', () => {
    const x = f64([-3, -1, 0, 0.5, 1, 3]);
    // Φ(1) = 0.8413447460685429, Φ(−1) = 1 − Φ(1), Φ(0.5) = 0.6914624612740131, Φ(3) = 0.9986501019683699.
    const exact = [
      -3 * (1 - 0.9986501019683699),
      -(1 - 0.8413447460685429),
      0,
      0.5 * 0.6914624612740131,
      0.8413447460685429,
      3 * 0.9986501019683699,
    ];
    (gelu(x).toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo(exact[i], 14));
    const approx = [
      -0.0036373920817729943, -0.15880800939172324, 0, 0.34571400982514394, 0.8411919906082768, 2.996362607918227,
    ];
    (gelu(x, 'tanh').toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo(approx[i], 14));
    expect(x.gelu('tanh').toArray()).toEqual(gelu(x, 'tanh').toArray());
  });

  test('softplus: log(1 + eˣ), x itself above the threshold, no overflow; β scales', () => {
    expect(softplus(f64([0])).item()).toBeCloseTo(Math.LN2, 15);
    expect(softplus(f64([-50, 21, 1000])).toArray()).toEqual([Math.log1p(Math.exp(-50)), 21, 1000]);
    expect(softplus(f64([1]), 2).item()).toBeCloseTo(Math.log1p(Math.exp(2)) / 2, 15);
    // threshold 1 with β 2: βx = 1.2 > 1, so x itself.
    expect(softplus(f64([0.6]), 2, 1).item()).toBe(0.6);
  });

  test('logSigmoid: log σ(x), stable at both ends', () => {
    expect(logSigmoid(f64([0])).item()).toBeCloseTo(-Math.LN2, 15);
    const y = logSigmoid(f64([-1000, 1000, 2])).toArray() as number[];
    expect(y[0]).toBe(-1000);
    expect(y[1]).toBe(0);
    expect(y[2]).toBeCloseTo(Math.log(1 / (1 + Math.exp(-2))), 15);
  });

  test('maximum and minimum broadcast, propagate NaN from either side (float32 and float64, small and large)', () => {
    expect(maximum(tensor([1, 5, -2]), tensor([3, 2, -2])).toArray()).toEqual([3, 5, -2]);
    expect(minimum(tensor([[1, 5]]), 2).toArray()).toEqual([[1, 2]]);
    for (const n of [3, 1000]) {
      for (const dtype of ['float32', 'float64'] as const) {
        const a = tensor(
          Array.from({ length: n }, (_, i) => (i === 0 ? NaN : 1)),
          { dtype },
        );
        const b = tensor(
          Array.from({ length: n }, (_, i) => (i === 1 ? NaN : 2)),
          { dtype },
        );
        for (const y of [maximum(a, b), minimum(a, b), maximum(b, a), minimum(b, a)]) {
          expect(Number.isNaN(y.data[0]) && Number.isNaN(y.data[1])).toBe(true);
        }
        expect(maximum(a, b).data[2]).toBe(2);
        expect(minimum(a, b).data[2]).toBe(1);
      }
    }
  });

  test('maximum and minimum split the gradient at ties, as PyTorch', () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = tensor([1, 1, 4], { requiresGrad: true });
    maximum(a, b).sum().backward();
    expect(a.grad!.toArray()).toEqual([0.5, 1, 0]);
    expect(b.grad!.toArray()).toEqual([0.5, 0, 1]);
  });

  test('int32 maximum stays int32', () => {
    const y = maximum(tensor([1, 7], { dtype: 'int32' }), tensor([3, 2], { dtype: 'int32' }));
    expect([y.dtype, y.toArray()]).toEqual(['int32', [3, 7]]);
  });
});

describe('bad input', () => {
  test('integer tensors and bad options are typed errors', () => {
    const i = tensor([1], { dtype: 'int32' });
    for (const f of [sin, cos, erf, logSigmoid, (t: Tensor) => gelu(t), (t: Tensor) => softplus(t)]) {
      expect(() => f(i)).toThrow(DTypeError);
    }
    expect(() => gelu(tensor([1]), 'fast' as 'tanh')).toThrow(/gelu: approximate must be one of "none", "tanh"/);
    expect(() => softplus(tensor([1]), 0)).toThrow(ValueError);
    expect(() => softplus(tensor([1]), 1, NaN)).toThrow(/softplus: threshold/);
  });
});
