import fc from 'fast-check';
import { inspect } from 'util';
import { Tensor, ValueError, arange, gradFnName, tensor, zeros } from '@tapegrad/core';
import { arbTensor } from '@tapegrad/core/testing';

describe('toString', () => {
  test('PyTorch-style, aligned rows, dtype shown', () => {
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ]).toString(),
    ).toBe('tensor([[1, 2],\n        [3, 4]], dtype=float32, shape=[2,2])');
    expect(tensor(3.5).toString()).toBe('tensor(3.5, dtype=float32, shape=[])');
    expect(tensor([1, 2], { dtype: 'int32' }).toString()).toBe('tensor([1, 2], dtype=int32, shape=[2])');
    expect(String(tensor([0.1, 1e-7, -2.5], { dtype: 'float64' }))).toBe(
      'tensor([0.1, 1.0000e-7, -2.5], dtype=float64, shape=[3])',
    );
  });

  test('a float32 value prints as its short decimal, not as 0.10000000149011612', () => {
    expect(tensor([0.1, 1 / 3]).toString()).toBe('tensor([0.1, 0.3333], dtype=float32, shape=[2])');
  });

  test('3-d tensors separate blocks by a blank line', () => {
    expect(arange(8).reshape(2, 2, 2).toString()).toBe(
      'tensor([[[0, 1],\n         [2, 3]],\n\n        [[4, 5],\n         [6, 7]]], dtype=float32, shape=[2,2,2])',
    );
  });

  test('grad information: a leaf that requires grad, and a recorded result', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(x.toString()).toBe('tensor([1, 2], dtype=float32, shape=[2], requires_grad=true)');
    expect(x.mul(2).toString()).toBe('tensor([2, 4], dtype=float32, shape=[2], grad_fn=<MulBackward>)');
  });

  test('long tensors are elided in the middle; empty ones show their shape', () => {
    expect(arange(2000).toString()).toBe('tensor([0, 1, 2, ..., 1997, 1998, 1999], dtype=float32, shape=[2000])');
    const big = arange(2000).reshape(40, 50).toString().split('\n');
    expect(big).toHaveLength(7);
    expect(big[3].trim()).toBe('...,');
    expect(zeros([0, 3]).toString()).toBe('tensor([], dtype=float32, shape=[0,3])');
    expect(tensor([NaN, Infinity, -Infinity]).toString()).toBe(
      'tensor([NaN, Infinity, -Infinity], dtype=float32, shape=[3])',
    );
  });
});

describe('console.log and JSON', () => {
  test('util.inspect shows the PyTorch-style text, never the fields', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x).sum();
    const shown = inspect({ x, y });
    expect(shown).toContain('tensor([1, 2], dtype=float32, shape=[2], requires_grad=true)');
    expect(shown).toContain('tensor(5, dtype=float32, shape=[], grad_fn=<SumBackward>)');
    for (const field of ['hookList', 'allocation', 'creator', 'requires:', 'retains', 'data:']) {
      expect(shown).not.toContain(field);
    }
  });

  test('grad_fn names the creator node op, PyTorch-style', () => {
    expect(gradFnName('mul')).toBe('MulBackward');
    expect(gradFnName('softmaxCrossEntropy')).toBe('SoftmaxCrossEntropyBackward');
    const w = tensor([[1, 2]], { requiresGrad: true });
    expect(String(w.matmul(tensor([[1], [1]])))).toContain('grad_fn=<MatmulBackward>');
  });

  test('JSON.stringify gives dtype, shape and nested values', () => {
    expect(JSON.stringify(tensor([1, 2]))).toBe('{"dtype":"float32","shape":[2],"data":[1,2]}');
    expect(JSON.parse(JSON.stringify({ w: tensor([[1], [2]], { dtype: 'int32' }) }))).toEqual({
      w: { dtype: 'int32', shape: [2, 1], data: [[1], [2]] },
    });
    expect(JSON.stringify(tensor(3))).toBe('{"dtype":"float32","shape":[],"data":3}');
  });
});

describe('toArray and item', () => {
  test('nested arrays, a number for a scalar', () => {
    expect(arange(6).reshape(2, 3).toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(tensor(7).toArray()).toBe(7);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
    expect(zeros([0, 2]).toArray()).toEqual([]);
  });

  test('round trip: tensor(x.toArray()) equals x (property)', () => {
    fc.assert(
      fc.property(arbTensor({ maxRank: 4, maxDim: 3 }), (x) => {
        const y = tensor(x.toArray(), { dtype: x.dtype });
        expect(y.shape).toEqual(x.shape);
        expect(Array.from(y.data)).toEqual(Array.from(x.data));
      }),
      { numRuns: 100 },
    );
  });

  test('item on one element of any rank; ValueError otherwise', () => {
    expect(tensor(3).item()).toBe(3);
    expect(tensor([[[4]]]).item()).toBe(4);
    expect(tensor([1.5], { dtype: 'float64' }).item()).toBe(1.5);
    expect(() => tensor([1, 2]).item()).toThrow(ValueError);
    expect(() => tensor([1, 2]).item()).toThrow('item: needs a tensor with one element, got shape [2]');
  });
});

describe('properties and leaves', () => {
  test('shape, dtype, size, ndim, data, grad, requiresGrad', () => {
    const t = tensor([[1, 2, 3]], { dtype: 'float64' });
    expect(t.shape).toEqual([1, 3]);
    expect(t.dtype).toBe('float64');
    expect(t.size).toBe(3);
    expect(t.ndim).toBe(2);
    expect(t.data).toBeInstanceOf(Float64Array);
    expect(t.grad).toBeNull();
    expect(t.requiresGrad).toBe(false);
    expect(t.isLeaf).toBe(true);
  });

  test('the constructor checks the element count', () => {
    expect(() => new Tensor(new Float32Array(5), [2, 3])).toThrow(ValueError);
    expect(() => new Tensor(new Float32Array(5), [2, 3])).toThrow('[2,3] holds 6 elements but the data has 5');
  });

  test('detach shares the data and cuts the graph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(3);
    const d = y.detach();
    expect(d.data).toBe(y.data);
    expect(d.requiresGrad).toBe(false);
    expect(d.creator).toBeNull();
    expect(y.isLeaf).toBe(false);
  });

  test('methods mirror the functions', () => {
    const x = tensor([
      [1, -2],
      [3, -4],
    ]);
    expect(x.abs().sum().item()).toBe(10);
    expect(x.sum(0, true).toArray()).toEqual([[4, -6]]);
    expect(x.max(1).toArray()).toEqual([1, 3]);
    expect(x.min().item()).toBe(-4);
    expect(x.argmax(1).toArray()).toEqual([0, 0]);
    expect(x.argmin(0).toArray()).toEqual([0, 1]);
    expect(x.relu().toArray()).toEqual([
      [1, 0],
      [3, 0],
    ]);
    expect(x.flatten().toArray()).toEqual([1, -2, 3, -4]);
    expect(x.expandDims(0).squeeze(0).shape).toEqual([2, 2]);
    expect(x.broadcastTo([2, 2, 2]).shape).toEqual([2, 2, 2]);
    expect(x.repeat(2, 0).shape).toEqual([4, 2]);
    expect(x.take([1], 0).toArray()).toEqual([[3, -4]]);
    expect(x.clip(-1, 1).toArray()).toEqual([
      [1, -1],
      [1, -1],
    ]);
    expect(x.matmul(x).toArray()).toEqual([
      [-5, 6],
      [-9, 10],
    ]);
    expect(x.softmax().sum(-1).toArray()).toEqual([1, 1]);
    expect(x.gt(0).toArray()).toEqual([
      [1, 0],
      [1, 0],
    ]);
  });
});
