import fc from 'fast-check';
import * as tg from '@tapegrad/core';
import { gradcheck, gradgradcheck } from '@tapegrad/core/testing';

const t = (v: tg.NestedNumbers): tg.Tensor => tg.tensor(v, { dtype: 'float64' });

describe('batchNorm forward values, worked out by hand', () => {
  test('normalises each channel (axis 1) by the given statistics, then scales and shifts', () => {
    // x [2, 2]: channel 0 holds 1, 3; channel 1 holds 2, 6. mean [2, 4], var [1, 4], eps 0.
    const x = t([
      [1, 2],
      [3, 6],
    ]);
    const y = tg.batchNorm(x, t([2, 4]), t([1, 4]), null, null, { eps: 0 });
    expect(y.toArray()).toEqual([
      [-1, -1],
      [1, 1],
    ]);
    // weight [10, 0.5], bias [0, 100]
    expect(tg.batchNorm(x, t([2, 4]), t([1, 4]), t([10, 0.5]), t([0, 100]), { eps: 0 }).toArray()).toEqual([
      [-10, 99.5],
      [10, 100.5],
    ]);
    // eps defaults to 1e-5: (3 − 2)/√(1 + 1e-5)
    expect(tg.batchNorm(x, t([2, 4]), t([1, 4])).data[2]).toBeCloseTo(1 / Math.sqrt(1 + 1e-5), 14);
  });

  test('on [N, C, H, W] the statistics are per channel, shared by every pixel', () => {
    const x = t([[[[1, 2]], [[3, 4]]]]); // [1, 2, 1, 2]
    const y = tg.batchNorm(x, t([1, 0]), t([4, 9]), null, t([0, 1]), { eps: 0 });
    expect(y.shape).toEqual([1, 2, 1, 2]);
    [0, 0.5, 2, 7 / 3].forEach((want, i) => expect(y.data[i]).toBeCloseTo(want, 14));
  });

  test('bad operands are typed errors naming the argument and the shapes', () => {
    const x = tg.zeros([2, 3, 4]);
    const c = tg.zeros([3]);
    expect(() => tg.batchNorm(tg.zeros([3]), c, c)).toThrow(/batchNorm: x must be \[N, C, …\] \(rank ≥ 2\), got \[3\]/);
    expect(() => tg.batchNorm(x, tg.zeros([4]), c)).toThrow(tg.ShapeError);
    expect(() => tg.batchNorm(x, c, c, tg.zeros([3, 1]))).toThrow(/weight must be \[C\] = \[3\].*got \[3,1\]/);
    expect(() => tg.batchNorm(x, c, tg.zeros([3], { dtype: 'float64' }))).toThrow(tg.DTypeError);
    expect(() => tg.batchNorm(x, c, c, null, null, { eps: -1 })).toThrow(tg.ValueError);
    expect(() => tg.batchNorm(x, c, c, null, null, { epsilon: 1 } as never)).toThrow(/unknown option 'epsilon'/);
    expect(() => tg.batchNorm(tg.zeros([2, 3], { dtype: 'int32' }), c, c)).toThrow(tg.DTypeError);
  });

  test('records one node, batchNorm', () => {
    const w = tg.ones([3], { requiresGrad: true });
    const y = tg.batchNorm(tg.randn([2, 3]), tg.zeros([3]), tg.ones([3]), w);
    expect(y.creator!.op.name).toBe('batchNorm');
  });
});

interface Case {
  shape: [number, number, number[]];
  weight: boolean;
  bias: boolean;
  eps: number;
  seed: number;
}

/** x [N, C, …] with 0–2 trailing axes, the statistics (variance ≥ 0.5), weight and bias or not. */
const arbCase: fc.Arbitrary<Case> = fc.record({
  shape: fc.tuple(
    fc.integer({ min: 1, max: 3 }),
    fc.integer({ min: 1, max: 3 }),
    fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
  ),
  weight: fc.boolean(),
  bias: fc.boolean(),
  eps: fc.constantFrom(0, 1e-5, 0.1),
  seed: fc.integer({ min: 0, max: 1e6 }),
});

/** The case's float64 leaves and the function of them that gradcheck differentiates. */
function setUp({
  shape: [n, c, rest],
  weight,
  bias,
  eps,
  seed,
}: Case): [(...xs: tg.Tensor[]) => tg.Tensor, tg.Tensor[]] {
  const rng = new tg.Rng(seed);
  const leaf = (s: number[], positive = false): tg.Tensor => {
    const v = tg.randn(s, { rng, dtype: 'float64' });
    return tg.tensor((positive ? v.abs().add(0.5) : v).toArray(), { dtype: 'float64', requiresGrad: true });
  };
  const xs = [leaf([n, c, ...rest]), leaf([c]), leaf([c], true)];
  if (weight) xs.push(leaf([c]));
  if (bias) xs.push(leaf([c]));
  const f = (...a: tg.Tensor[]): tg.Tensor =>
    tg.batchNorm(a[0], a[1], a[2], weight ? a[3] : null, bias ? a[a.length - 1] : null, { eps });
  return [f, xs];
}

describe('batchNorm gradients (float64, random shapes, with and without weight and bias)', () => {
  test('gradcheck in every operand', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const [f, xs] = setUp(c);
        expect(gradcheck(f, xs).ok).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  test('gradgradcheck (of the op, and of its square)', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const [f, xs] = setUp(c);
        expect(gradgradcheck(f, xs).ok).toBe(true);
        expect(gradgradcheck((...a) => f(...a).square(), xs).ok).toBe(true);
      }),
      { numRuns: 12 },
    );
  });

  test('matches the composition it fuses, in float32 too', () => {
    const rng = new tg.Rng(3);
    const x = tg.randn([4, 3, 2, 2], { rng });
    const [m, v, w, b] = [
      tg.randn([3], { rng }),
      tg.rand([3], { rng }).add(0.1),
      tg.randn([3], { rng }),
      tg.randn([3], { rng }),
    ];
    const pc = (u: tg.Tensor): tg.Tensor => u.reshape([1, 3, 1, 1]);
    const want = x.sub(pc(m)).div(pc(v).add(1e-5).sqrt()).mul(pc(w)).add(pc(b));
    const got = tg.batchNorm(x, m, v, w, b);
    const err = Math.max(...Array.from(got.data, (g, i) => Math.abs(g - want.data[i])));
    expect(err).toBeLessThan(1e-5);
  });
});
