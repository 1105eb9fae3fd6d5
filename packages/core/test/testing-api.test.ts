import fc from 'fast-check';
import {
  Rng,
  type Tensor,
  ValueError,
  broadcastShapes,
  broadcastTo,
  defineOp,
  matmul,
  mean,
  mul,
  runOp,
  tensor,
  zeros,
} from '@tapegrad/core';
import {
  GradcheckError,
  arbBroadcastableShapes,
  compareGrads,
  arbMatmulShapes,
  arbShape,
  arbTensor,
  gradcheck,
  numericalGradient,
} from '@tapegrad/core/testing';

describe('numericalGradient: the book’s examples through the public API', () => {
  const f1 = (x: Tensor): Tensor => x.square().mul(0.01).add(x.mul(0.1));

  test('derivative of 0.01x² + 0.1x is ≈ 0.2 at x = 5 and ≈ 0.3 at x = 10', () => {
    const [g5] = numericalGradient(f1, [tensor(5, { dtype: 'float64' })]);
    const [g10] = numericalGradient(f1, [tensor(10, { dtype: 'float64' })]);
    expect(g5!.item()).toBeCloseTo(0.2, 8);
    expect(g10!.item()).toBeCloseTo(0.3, 8);
  });

  test('gradient of x0² + x1² at (3,4), (0,2), (3,0) is (6,8), (0,4), (6,0)', () => {
    const f2 = (x: Tensor): Tensor => x.square().sum();
    for (const [p, g] of [
      [
        [3, 4],
        [6, 8],
      ],
      [
        [0, 2],
        [0, 4],
      ],
      [
        [3, 0],
        [6, 0],
      ],
    ]) {
      const [num] = numericalGradient(f2, [tensor(p)]);
      expect(num!.dtype).toBe('float64');
      Array.from(num!.data).forEach((v, i) => expect(v).toBeCloseTo(g[i], 7));
    }
  });

  test('several inputs, a number result, int32 inputs get null, the inputs are left untouched', () => {
    const a = tensor([1, 2], { dtype: 'float64' });
    const b = tensor([3], { dtype: 'float64' });
    const idx = tensor([1], { dtype: 'int32' });
    const [ga, gb, gi] = numericalGradient((x, y, i) => x.gather(i).mul(y).item(), [a, b, idx]);
    expect(Array.from(ga!.data).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0, 3]);
    expect(gb!.item()).toBeCloseTo(2, 8);
    expect(gi).toBeNull();
    expect(a.toArray()).toEqual([1, 2]);
  });

  test('f must return a scalar; eps must be positive', () => {
    expect(() => numericalGradient((x) => x, [zeros([2])])).toThrow(ValueError);
    expect(() => numericalGradient((x) => x, [zeros([2])])).toThrow(/f must return a scalar.*shape \[2\]/);
    expect(() => numericalGradient((x) => x.sum(), [zeros([2])], { eps: 0 })).toThrow(ValueError);
  });
});

/** y = a·b elementwise; the rule for b is deliberately wrong (2·gy·a instead of gy·a). */
const brokenMul = defineOp({
  name: 'brokenMul',
  forward: ([a, b]) => noRecord(a, b),
  backward: (gy, node) => {
    const [a, b] = node.inputs;
    return [mul(gy, b), mul(mul(gy, 2), a)];
  },
});
function noRecord(a: Tensor, b: Tensor): Tensor {
  return tensor(
    Float64Array.from(a.data, (v, i) => v * b.data[i]),
    { shape: a.shape },
  );
}

/**
 * y = 3x elementwise, whose rule returns mean(gy)·3 everywhere instead of gy·3. With gy = ones
 * the two agree, so only a random upstream gradient exposes it.
 */
const meanRuleScale = defineOp({
  name: 'meanRuleScale',
  forward: ([x]) =>
    tensor(
      Float64Array.from(x.data, (v) => 3 * v),
      { shape: x.shape },
    ),
  backward: (gy, node) => [mul(broadcastTo(mean(gy), node.inputs[0].shape), 3)],
});

/** gradcheck's projection for pow(x, 4): Σ gy·x⁴ with gy ~ N(0, 1) from Rng(seed), and its exact gradient. */
function projectPow4(x: Tensor, seed: number): (t: Tensor) => Tensor {
  const rng = new Rng(seed);
  const gy = tensor(
    Float64Array.from({ length: x.size }, () => rng.normal()),
    { shape: x.shape },
  );
  return (t) => t.pow(4).mul(gy).sum();
}
function gradOf(x: Tensor, seed: number): Tensor {
  const rng = new Rng(seed);
  return tensor(
    Float64Array.from(x.data, (v) => 4 * v ** 3 * rng.normal()),
    { shape: x.shape },
  );
}

describe('gradcheck', () => {
  test('passes on a correct op and reports tiny errors', () => {
    const r = gradcheck((a, b) => a.mul(b).tanh(), [tensor([0.5, -1, 2]), tensor([1.5, 0.2, -0.3])]);
    expect(r.ok).toBe(true);
    expect(r.maxAbsError).toBeLessThan(1e-8);
    expect(r.maxRelError).toBeLessThan(1e-6);
  });

  test('finds a deliberately wrong rule and names the input, the index and both values', () => {
    const a = tensor([1, -2, 0.5, 3], { dtype: 'float64' });
    const b = tensor([0.7, 1.1, -0.4, 2], { dtype: 'float64' });
    const f = (x: Tensor, y: Tensor): Tensor => runOp(brokenMul, [x, y], undefined);
    let err: unknown = null;
    try {
      gradcheck(f, [a, b], { rtol: 1e-6, atol: 1e-8 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GradcheckError);
    const msg = (err as GradcheckError).message;
    // The upstream gradient is N(0, 1) from Rng(seed 0); the worst element of ∂/∂b is where
    // |gy·a| is largest, autograd reports 2·gy·a there and central differences gy·a.
    const rng = new Rng(0);
    const gy = Array.from({ length: 4 }, () => rng.normal());
    const errs = gy.map((g, i) => Math.abs(g * a.data[i]));
    const k = errs.indexOf(Math.max(...errs));
    expect(msg).toMatch(
      /^gradcheck: gradient mismatch for input 1 \(shape \[4\]\) at index \[(\d)\]: autograd (\S+), numerical (\S+),/,
    );
    const [, index, auto, num] = msg.match(/index \[(\d)\]: autograd (\S+), numerical (\S+),/)!;
    expect(Number(index)).toBe(k);
    expect(Number(auto)).toBeCloseTo(2 * gy[k] * a.data[k], 12);
    expect(Number(num)).toBeCloseTo(gy[k] * a.data[k], 7);
    expect(msg).toMatch(/abs error .*, rel error /);
    const report = (err as GradcheckError).report;
    expect(report.ok).toBe(false);
    expect(report.maxRelError).toBeCloseTo(1, 5);
  });

  test('raise: false returns the failing report instead of throwing', () => {
    const r = gradcheck((x, y) => runOp(brokenMul, [x, y], undefined), [tensor([1, 2]), tensor([3, 4])], {
      raise: false,
    });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/input 1/);
  });

  test('the random upstream gradient catches a rule that a ones-gradient would miss', () => {
    const x = tensor([0.3, -1.2, 2.5, 0.8], { dtype: 'float64' });
    const f = (t: Tensor): Tensor => runOp(meanRuleScale, [t], undefined);
    // With gy = ones the broken rule is indistinguishable from the right one ...
    const xr = tensor(x.data.slice(), { requiresGrad: true });
    f(xr).sum().backward();
    const [numOnes] = numericalGradient((t) => f(t).sum(), [x]);
    Array.from(xr.grad!.data).forEach((v, i) => expect(v).toBeCloseTo(numOnes!.data[i], 8));
    // ... but gradcheck weighs the output by a random gy and fails.
    expect(() => gradcheck(f, [x], { rtol: 1e-6, atol: 1e-8 })).toThrow(GradcheckError);
    expect(() => gradcheck(f, [x], { rtol: 1e-6, atol: 1e-8, seed: 7 })).toThrow(/input 0 \(shape \[4\]\)/);
  });

  test('a small gradient inside a large sum: the 4-point stencil settles what the 2-point one cannot', () => {
    // fast-check found this: Σ gy·x⁴ over 63 elements at ±2 and one at 0.245. That element's
    // gradient 4x³·gy ≈ 0.002 is within atol 1e-8 + rtol 1e-6·|g| of autograd, but the 2-point
    // difference at h = 1e-6 carries the rounding error of a sum of ~10³ (1.5e-8 here).
    const x = tensor(
      Float64Array.from({ length: 64 }, (_, i) => (i === 52 ? 0.24493217959978672 : i % 3 === 0 ? 2 : -2)),
      { shape: [4, 4, 4] },
    );
    const tol = { rtol: 1e-6, atol: 1e-8 };
    const twoPointFails = Array.from({ length: 20 }, (_, seed) => seed).filter(
      (seed) =>
        !compareGrads(
          't',
          [gradOf(x, seed)],
          numericalGradient(projectPow4(x, seed), [x]),
          [x.shape],
          tol.atol,
          tol.rtol,
        ).ok,
    );
    expect(twoPointFails.length).toBeGreaterThan(0);
    for (const seed of twoPointFails) expect(gradcheck((t) => t.pow(4), [x], { ...tol, seed }).ok).toBe(true);
    // A wrong rule still fails both stencils.
    expect(() => gradcheck((t) => runOp(meanRuleScale, [t], undefined), [x], tol)).toThrow(GradcheckError);
    expect(() => numericalGradient((t) => t.sum(), [x], { points: 3 as 4 })).toThrow(/points must be 2 or 4, got 3/);
  });

  test('a function that curves on a scale near the step passes: the 4-point stencil at the same step comes before the wide one', () => {
    // Layer normalisation over 8 values whose variance (1.6e-5) is about its eps (1e-5): it
    // curves on a ~5e-3 scale. A fast-check run drew this input: the 2-point estimate at 1e-6 was
    // off by ~1e-6 and the wide 4-point one at 1e-3 by 1e-2, so a correct gradient failed.
    const x = tensor(
      [-1.02e-282, -2.48e-234, 1.83e-131, 2.86e-186, 7e-323, 1.59e-16, 5.3e-243, -0.011242198508983772],
      { dtype: 'float64' },
    );
    const w = tensor([1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7], { dtype: 'float64' });
    const norm = (t: Tensor, s: Tensor): Tensor => {
      const c = t.sub(t.mean());
      return c.div(c.square().mean().add(1e-5).sqrt()).mul(s);
    };
    const tol = { rtol: 1e-6, atol: 1e-8 };
    for (let seed = 0; seed < 8; seed++) expect(gradcheck(norm, [x, w], { ...tol, seed }).ok).toBe(true);
    // A wrong rule still fails all three estimates.
    const wrong = (t: Tensor, s: Tensor): Tensor => norm(runOp(brokenMul, [s.mul(0).add(1), t], undefined), s);
    expect(() => gradcheck(wrong, [x, w], tol)).toThrow(GradcheckError);
  });

  test('int32 inputs are constants; float32 inputs are checked in float64', () => {
    const x = tensor([1, 2, 3]);
    const i = tensor([2, 0], { dtype: 'int32' });
    expect(gradcheck((t, idx) => t.gather(idx).exp(), [x, i], { rtol: 1e-6, atol: 1e-8 }).ok).toBe(true);
  });
});

describe('fast-check arbitraries', () => {
  test('arbShape respects its bounds', () => {
    fc.assert(
      fc.property(arbShape({ minRank: 1, maxRank: 3, minDim: 2, maxDim: 4 }), (s) => {
        expect(s.length >= 1 && s.length <= 3).toBe(true);
        expect(s.every((d) => d >= 2 && d <= 4)).toBe(true);
      }),
    );
  });

  test('arbTensor respects shape, dtype, range and avoided points', () => {
    fc.assert(
      fc.property(arbTensor({ shape: [2, 3], min: -1, max: 1, avoid: [0, 0.5], margin: 0.1 }), (t) => {
        expect(t.shape).toEqual([2, 3]);
        expect(t.dtype).toBe('float64');
        for (const v of t.data) {
          expect(v >= -1 && v <= 1).toBe(true);
          expect(Math.abs(v) >= 0.1 && Math.abs(v - 0.5) >= 0.1).toBe(true);
        }
      }),
    );
    fc.assert(
      fc.property(arbTensor({ dtype: 'int32', min: -3, max: 3, maxRank: 2 }), (t) => {
        expect(t.dtype).toBe('int32');
        expect(Array.from(t.data).every((v) => Number.isInteger(v) && v >= -3 && v <= 3)).toBe(true);
      }),
    );
  });

  test('arbBroadcastableShapes gives shapes that broadcast, size-1 axes and rank differences included', () => {
    let sawOne = false;
    let sawRankGap = false;
    fc.assert(
      fc.property(arbBroadcastableShapes(3), (shapes) => {
        expect(() => broadcastShapes('test', ...shapes)).not.toThrow();
        if (shapes.some((s) => s.includes(1))) sawOne = true;
        if (new Set(shapes.map((s) => s.length)).size > 1) sawRankGap = true;
      }),
      { numRuns: 200 },
    );
    expect(sawOne && sawRankGap).toBe(true);
  });

  test('arbMatmulShapes gives valid matmul operands, 1-D and batched included', () => {
    const ranks = new Set<string>();
    fc.assert(
      fc.property(arbMatmulShapes(), ([a, b]) => {
        expect(() => matmul(zeros(a), zeros(b))).not.toThrow();
        ranks.add(`${a.length === 1 ? 1 : a.length > 2 ? 'n' : 2}${b.length === 1 ? 1 : b.length > 2 ? 'n' : 2}`);
      }),
      { numRuns: 300 },
    );
    for (const r of ['11', '12', '21', '22', 'nn', '1n', 'n1']) expect(ranks).toContain(r);
  });
});

test('arbTensor rejects options that would make its generator reject every value', () => {
  expect(() => arbTensor({ avoid: [Number.NaN] })).toThrow(/arbTensor: needs min ≤ max, finite avoid points/);
  expect(() => arbTensor({ min: 2, max: 1 })).toThrow(ValueError);
});
