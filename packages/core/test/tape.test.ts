import {
  DTypeError,
  GraphError,
  type Tensor,
  defineOp,
  enableGrad,
  exp,
  isGradEnabled,
  mul,
  noGrad,
  ones,
  runOp,
  sum,
  tensor,
  zeros,
} from '@tapegrad/core';
import { POOL_MIN_ELEMENTS } from '../src/buffer-pool';

describe('the tape', () => {
  test('a 100,000-op chain runs backward without a stack overflow', () => {
    const x = tensor([1], { dtype: 'float64', requiresGrad: true });
    let y: Tensor = x;
    for (let i = 0; i < 100_000; i++) y = y.add(1e-6);
    y.sum().backward();
    expect(x.grad!.item()).toBe(1);
  });

  test('gradients accumulate across backward calls until zeroGrad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(3).sum().backward();
    expect(x.grad!.toArray()).toEqual([3, 3]);
    x.mul(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([5, 7]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
    x.sum().backward();
    expect(x.grad!.toArray()).toEqual([1, 1]);
  });

  test('intermediates keep no gradient unless retainGrad() is called', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(2);
    const k = h.mul(3).retainGrad();
    k.square().sum().backward();
    expect(h.grad).toBeNull();
    expect(k.retainsGrad).toBe(true);
    // k = 6x, d(Σk²)/dk = 2k
    expect(k.grad!.toArray()).toEqual([12, 24]);
    expect(x.grad!.toArray()).toEqual([72, 144]);
  });

  test('a leaf used twice gets the sum of both paths: x·x and x + x', () => {
    const x = tensor([3, -1], { requiresGrad: true });
    mul(x, x).sum().backward();
    expect(x.grad!.toArray()).toEqual([6, -2]);
    x.zeroGrad();
    x.add(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 2]);
  });

  test('a diamond is walked in topological order: every path reaches the leaf once', () => {
    const x = tensor([0.5, -1], { dtype: 'float64', requiresGrad: true });
    const a = exp(x);
    a.mul(a).add(a).sum().backward();
    // d/dx (e^{2x} + e^x) = 2e^{2x} + e^x
    expect(x.grad!.toArray()).toEqual([0.5, -1].map((v) => expect.closeTo(2 * Math.exp(2 * v) + Math.exp(v), 14)));
  });

  test('a node is recorded only when some input requires grad', () => {
    const c = tensor([1, 2]);
    expect(c.mul(2).creator).toBeNull();
    expect(c.mul(2).requiresGrad).toBe(false);
    const x = tensor([1, 2], { requiresGrad: true });
    const y = c.mul(x);
    expect(y.creator!.op.name).toBe('mul');
    expect(y.creator!.inputs).toEqual([c, x]);
    y.sum().backward();
    expect(c.grad).toBeNull();
  });

  test('noGrad records nothing; enableGrad records inside it', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return x.mul(2).exp();
    });
    expect(isGradEnabled()).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(y.creator).toBeNull();
    const z = noGrad(() => enableGrad(() => x.mul(2)));
    expect(z.creator!.op.name).toBe('mul');
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });

  test('detach cuts the graph: no gradient flows through the detached branch', () => {
    const x = tensor([2], { requiresGrad: true });
    const y = x.mul(x.detach());
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([2]);
  });

  test('a second backward without retainGraph throws a GraphError naming the op', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward();
    expect(() => y.backward()).toThrow(GraphError);
    expect(() => y.backward()).toThrow(/backward through 'sum' a second time/);
  });

  test('with retainGraph the graph can be walked twice, accumulating', () => {
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const y = x.exp().sum();
    y.backward(null, { retainGraph: true });
    y.backward();
    expect(x.grad!.toArray()).toEqual([2 * Math.E, 2 * Math.exp(2)]);
    expect(() => y.backward()).toThrow(GraphError);
  });

  test('a non-scalar backward without a gradient throws a GraphError with the shape', () => {
    const y = tensor([1, 2, 3], { requiresGrad: true }).mul(2);
    expect(() => y.backward()).toThrow(GraphError);
    expect(() => y.backward()).toThrow('a gradient must be given for a non-scalar output of shape [3]');
    y.backward(tensor([1, 0, 2]));
  });

  test('a given gradient must match the output in shape and dtype', () => {
    const y = tensor([1, 2], { requiresGrad: true }).mul(2);
    expect(() => y.backward(tensor([1, 2, 3]))).toThrow(GraphError);
    expect(() => y.backward(tensor([1, 2, 3]))).toThrow(
      'gradient of shape [3] (float32) does not match the output of shape [2]',
    );
    expect(() => y.backward(tensor([1, 2], { dtype: 'float64' }))).toThrow(GraphError);
  });

  test('backward on a tensor that does not require grad is a GraphError', () => {
    expect(() => tensor(1).backward()).toThrow(GraphError);
  });

  test('a one-element non-scalar output is seeded with 1', () => {
    const x = tensor([[2]], { requiresGrad: true });
    x.mul(x).backward();
    expect(x.grad!.toArray()).toEqual([[4]]);
  });

  test('the engine checks each rule’s gradient shape, naming the op and both shapes', () => {
    const badOp = defineOp({
      name: 'badShape',
      forward: ([x]) => tensor(x.data.slice(), { shape: x.shape }),
      backward: (gy) => [sum(gy, 0)],
    });
    const x = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    );
    const y = runOp(badOp, [x], undefined);
    expect(() => y.sum().backward()).toThrow(GraphError);
    expect(() => runOp(badOp, [x], undefined).sum().backward()).toThrow(
      'badShape: backward rule returned a gradient of shape [3] (float32) for input 0 of shape [2,3] (float32)',
    );
  });

  test('the engine checks each rule’s gradient dtype and count', () => {
    const badDType = defineOp({
      name: 'badDType',
      forward: ([x]) => tensor(x.data.slice(), { shape: x.shape }),
      backward: (gy) => [gy.astype('float64')],
    });
    const badCount = defineOp({
      name: 'badCount',
      forward: ([x]) => tensor(x.data.slice(), { shape: x.shape }),
      backward: (gy) => [gy, gy],
    });
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => runOp(badDType, [x], undefined).sum().backward()).toThrow(
      'badDType: backward rule returned a gradient of shape [2] (float64) for input 0 of shape [2] (float32)',
    );
    expect(() => runOp(badCount, [x], undefined).sum().backward()).toThrow(
      'badCount: backward rule returned 2 gradients for 1 inputs',
    );
  });

  test('int32 tensors cannot require grad (DTypeError)', () => {
    expect(() => tensor([1, 2], { dtype: 'int32', requiresGrad: true })).toThrow(DTypeError);
    const i = zeros([2], { dtype: 'int32' });
    expect(() => {
      i.requiresGrad = true;
    }).toThrow('requiresGrad: only float tensors can require gradients, got int32');
  });

  test('requiresGrad cannot be turned off on a non-leaf', () => {
    const y = ones([2], { requiresGrad: true }).mul(2);
    expect(() => {
      y.requiresGrad = false;
    }).toThrow(GraphError);
  });

  test('gradients of float32 leaves stay float32, float64 leaves stay float64', () => {
    const a = tensor([1], { requiresGrad: true });
    const b = tensor([1], { dtype: 'float64', requiresGrad: true });
    a.astype('float64').mul(b).sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(b.grad!.dtype).toBe('float64');
  });

  test('leaf gradients are private copies: a later backward does not write into another tensor', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const gy = tensor([5, 6]);
    x.mul(1).backward(gy);
    x.mul(1).backward(gy);
    expect(gy.toArray()).toEqual([5, 6]);
    expect(x.grad!.toArray()).toEqual([10, 12]);
  });
});

// Gradients over buffers the pool could take (POOL_MIN_ELEMENTS elements or more) are tracked,
// so that a leaf may take one over without a copy; smaller ones are copied (for a small net the
// bookkeeping cost more than the copies). Each case runs at both sizes: pairs of values repeated.
describe.each([
  ['small', 1],
  ['pool-sized', POOL_MIN_ELEMENTS / 2],
])('leaf gradients take over a fresh buffer, and copy anything else may hold (%s)', (_size, reps) => {
  const rg = { requiresGrad: true } as const;
  /** `values` repeated `reps` times, as a 1-D tensor. */
  const vec = (values: number[], options: { requiresGrad?: boolean; shape?: number[] } = {}): Tensor =>
    tensor(
      Float32Array.from({ length: values.length * reps }, (_, i) => values[i % values.length]),
      options,
    );
  /** Whether `t` holds `values` repeated. */
  const holds = (t: Tensor, values: number[]): boolean =>
    t.size === values.length * reps && t.data.every((v, i) => v === values[i % values.length]);

  test('a fresh gradient made by a rule becomes .grad, without a copy when pool-sized', () => {
    let made: Tensor | null = null;
    const double = defineOp({
      name: 'double',
      forward: ([x]) =>
        tensor(
          x.data.map((v) => 2 * v),
          { shape: x.shape },
        ),
      backward: (gy) => [(made = mul(gy, 2))],
    });
    const x = vec([1, 2], rg);
    runOp(double, [x], undefined).sum().backward();
    expect(holds(x.grad!, [2, 2])).toBe(true);
    expect(x.grad!.data === made!.data).toBe(reps > 1);
  });

  test('one tensor handed to two leaves (add passes gy to both) gives each its own buffer', () => {
    const a = vec([1, 2], rg);
    const b = vec([3, 4], rg);
    a.add(b).mul(3).sum().backward();
    expect(a.grad!.data.buffer).not.toBe(b.grad!.data.buffer);
    a.grad!.data[0] = 100;
    expect(holds(b.grad!, [3, 3])).toBe(true);
  });

  test('views of one gradient (reshape) reaching two leaves do not share a buffer', () => {
    const a = vec([1, 2, 3, 4], rg);
    const b = vec([1, 2, 3, 4], { ...rg, shape: [2 * reps, 2] });
    a.reshape([2 * reps, 2])
      .add(b)
      .mul(3)
      .sum()
      .backward();
    expect(a.grad!.data.buffer).not.toBe(b.grad!.data.buffer);
    a.grad!.data[0] = 100;
    expect(holds(b.grad!, [3, 3, 3, 3])).toBe(true);
  });

  test('a rule returning a constant it keeps: accumulating into .grad leaves the constant alone', () => {
    const k = vec([7, 7]);
    const constGrad = defineOp({
      name: 'constGrad',
      forward: ([x]) => tensor(x.data.slice(), { shape: x.shape }),
      backward: () => [k],
    });
    const x = vec([1, 2], rg);
    runOp(constGrad, [x], undefined).sum().backward();
    runOp(constGrad, [x], undefined).sum().backward();
    expect(holds(x.grad!, [14, 14])).toBe(true);
    expect(holds(k, [7, 7])).toBe(true);
  });

  test('a hook that keeps the gradient it sees does not see later accumulation', () => {
    const x = vec([1, 2], rg);
    let kept: Tensor | null = null;
    x.registerHook((g) => {
      kept ??= g;
    });
    x.mul(2).sum().backward();
    x.mul(2).sum().backward();
    expect(holds(x.grad!, [4, 4])).toBe(true);
    expect(holds(kept!, [2, 2])).toBe(true);
  });

  test('a hook that returns a new gradient and keeps it does not see later accumulation', () => {
    // An identity whose rule passes gy on as is: the hook's tensor reaches the leaf itself.
    const identity = defineOp({
      name: 'identity',
      forward: ([x]) => tensor(x.data.slice(), { shape: x.shape }),
      backward: (gy) => [gy],
    });
    const x = vec([1, 2], rg);
    const y = runOp(identity, [x], undefined);
    let kept: Tensor | null = null;
    y.registerHook((g) => (kept ??= g.mul(1)));
    y.sum().backward(null, { retainGraph: true });
    y.sum().backward();
    expect(holds(x.grad!, [2, 2])).toBe(true);
    expect(holds(kept!, [1, 1])).toBe(true);
  });
});
