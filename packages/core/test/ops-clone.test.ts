import fc from 'fast-check';
import { type Tensor, ValueError, clone, grad, noGrad, tensor } from '@tapegrad/core';
import { arbTensor, gradcheck, gradgradcheck } from '@tapegrad/core/testing';

const TOL = { rtol: 1e-6, atol: 1e-8 };

describe('clone', () => {
  test('copies values, shape and dtype into storage of its own', () => {
    for (const dtype of ['float32', 'float64', 'int32'] as const) {
      const x = tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        { dtype },
      );
      const y = x.clone();
      expect(y.dtype).toBe(dtype);
      expect(y.shape).toEqual([2, 3]);
      expect(y.toArray()).toEqual(x.toArray());
      expect(y.data).not.toBe(x.data);
      expect(y.data.buffer).not.toBe(x.data.buffer);
      noGrad(() => y.fill_(0));
      expect(x.toArray()).toEqual([
        [1, 2, 3],
        [4, 5, 6],
      ]);
    }
  });

  test('of a view copies only the view, and a 0-d tensor stays 0-d', () => {
    const x = tensor([1, 2, 3, 4], { dtype: 'float64' });
    const v = x.reshape([2, 2]).clone();
    expect(v.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(tensor(7).clone().shape).toEqual([]);
  });

  test('is recorded: the gradient reaches the original, to any order (gradcheck, gradgradcheck)', () => {
    fc.assert(
      fc.property(arbTensor({ maxRank: 3, maxDim: 4 }), (x) => {
        gradcheck((v: Tensor) => v.clone().mul(v), [x], TOL);
        gradgradcheck((v: Tensor) => v.clone().square().mul(v), [x], TOL);
      }),
      { numRuns: 50 },
    );
    const x = tensor([1, -2, 3], { dtype: 'float64' });
    expect(grad((v: Tensor) => clone(v).mul(3).sum())(x).toArray()).toEqual([3, 3, 3]);
  });

  test('of a detached tensor is a constant copy', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const snap = w.detach().clone();
    expect(snap.requiresGrad).toBe(false);
    expect(snap.creator).toBeNull();
  });

  test('refuses what is not a tensor, naming clone and the argument', () => {
    expect(() => clone([1, 2] as unknown as Tensor)).toThrow(ValueError);
    expect(() => clone(null as unknown as Tensor)).toThrow(/clone: x must be a Tensor/);
  });
});
