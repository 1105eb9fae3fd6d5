import * as tg from '@tapegrad/core';

const f64 = (v: tg.NestedNumbers, requiresGrad = false) => tg.tensor(v, { dtype: 'float64', requiresGrad });

describe('registerHook', () => {
  test('inspects a leaf gradient without changing it', () => {
    const x = f64([1, 2], true);
    const seen: number[][] = [];
    x.registerHook((g) => {
      seen.push(Array.from(g.data));
    });
    x.mul(3).sum().backward();
    expect(seen).toEqual([[3, 3]]);
    expect(Array.from(x.grad!.data)).toEqual([3, 3]);
  });

  test('a leaf used twice: the hook sees the total gradient once, as PyTorch', () => {
    const x = f64([2], true);
    const seen: number[] = [];
    x.registerHook((g) => {
      seen.push(g.item());
    });
    x.mul(x).add(x).sum().backward(); // d/dx (x² + x) = 2x + 1 = 5
    expect(seen).toEqual([5]);
    expect(x.grad!.item()).toBe(5);
  });

  test('replaces a leaf gradient', () => {
    const x = f64([1, 2], true);
    x.registerHook((g) => g.mul(10));
    x.square().sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([20, 40]);
  });

  test('replaces an intermediate gradient, and the change flows on to the inputs', () => {
    const x = f64([1, 2], true);
    const h = x.mul(2);
    h.registerHook((g) => g.mul(0).add(1)); // force ∂L/∂h = 1
    h.square().sum().backward(); // without the hook: ∂L/∂x = 8x
    expect(Array.from(x.grad!.data)).toEqual([2, 2]);
    expect(h.grad).toBeNull(); // hooks do not retain the gradient
  });

  test('inspects an intermediate gradient (the total of its uses)', () => {
    const x = f64([3], true);
    const h = x.mul(2);
    let seen = 0;
    h.registerHook((g) => {
      seen = g.item();
    });
    h.mul(h).add(h).sum().backward(); // ∂/∂h (h² + h) = 2h + 1 = 13
    expect(seen).toBe(13);
    expect(x.grad!.item()).toBe(26);
  });

  test('several hooks run in registration order; remove() unregisters one', () => {
    const x = f64([1], true);
    const order: string[] = [];
    const a = x.registerHook((g) => {
      order.push('a');
      return g.add(1);
    });
    x.registerHook((g) => {
      order.push(`b:${g.item()}`);
    });
    x.mul(5).sum().backward();
    expect(order).toEqual(['a', 'b:6']);
    expect(x.grad!.item()).toBe(6);
    a.remove();
    a.remove(); // idempotent
    x.grad = null;
    order.length = 0;
    x.mul(5).sum().backward();
    expect(order).toEqual(['b:5']);
    expect(x.grad!.item()).toBe(5);
  });

  test('a hook returning a wrong shape is an error naming both shapes', () => {
    const x = f64([1, 2], true);
    x.registerHook(() => f64([1, 2, 3]));
    expect(() => x.sum().backward()).toThrow(/hook returned \[3\] \(float64\) for a gradient of \[2\] \(float64\)/);
  });

  test('needs a tensor that requires grad', () => {
    expect(() => f64([1]).registerHook(() => undefined)).toThrow(tg.GraphError);
  });

  test('intermediate hooks also run under the functional API; leaf hooks of the caller do not', () => {
    const x = f64([2], true);
    const calls: string[] = [];
    x.registerHook(() => {
      calls.push('leaf');
    });
    const g = tg.grad((t: tg.Tensor) => {
      const h = t.mul(3);
      h.registerHook((gh) => gh.mul(2));
      return h.square().sum();
    })(x);
    expect(g.item()).toBe(12 * 2 * 3); // ∂/∂h h² = 2h = 12, doubled by the hook, times ∂h/∂t = 3
    expect(calls).toEqual([]);
    expect(x.grad).toBeNull();
  });
});
