import {
  GraphError,
  Tensor,
  ValueError,
  exp,
  grad,
  incrementVersion,
  noGrad,
  randn,
  Rng,
  tensor,
  zeros,
} from '@tapegrad/core';

// #18: in-place writes between forward and backward used to give gradients of other values
// (w.grad = [100, 2] below). A node now remembers the versions of what its backward reads.

const leaf = (values: number[]): Tensor => tensor(values, { dtype: 'float64', requiresGrad: true });
const MESSAGE =
  /^backward: a tensor needed for gradient computation was modified by an in-place operation: input 0 of 'mul' \(float64 \[2\]\) is at version 1; expected version 0/;

describe('the issue: y = x·w summed, x written, y.backward()', () => {
  test('x.data[0] = 100 followed by incrementVersion(x) (the documented equivalent) raises', () => {
    const x = leaf([1, 2]);
    const w = leaf([3, 4]);
    const y = x.mul(w).sum();
    x.data[0] = 100;
    incrementVersion(x);
    expect(() => y.backward()).toThrow(GraphError);
    expect(() => y.backward()).toThrow(MESSAGE);
    // Nothing was accumulated: the error came before any .grad was written.
    expect(w.grad).toBeNull();
    expect(x.grad).toBeNull();
  });

  test('noGrad(() => x.copy_(…)) raises the same', () => {
    const x = leaf([1, 2]);
    const w = leaf([3, 4]);
    const y = x.mul(w).sum();
    noGrad(() => x.copy_(tensor([100, 2], { dtype: 'float64' })));
    expect(x.version).toBe(1);
    expect(() => y.backward()).toThrow(MESSAGE);
  });

  test('a raw .data write alone bypasses the counter, as .data does in PyTorch (documented)', () => {
    const x = leaf([1, 2]);
    const w = leaf([3, 4]);
    const y = x.mul(w).sum();
    x.data[0] = 100;
    y.backward();
    expect(Array.from(w.grad!.data)).toEqual([100, 2]);
  });
});

describe('what counts as a write, and what does not', () => {
  test('copy_ broadcasts and converts; fill_ and zero_ set; each adds one version', () => {
    const t = zeros([2, 3], { dtype: 'float64' });
    t.copy_(tensor([1, 2, 3], { dtype: 'float32' }));
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    t.fill_(7);
    expect(Array.from(t.data)).toEqual([7, 7, 7, 7, 7, 7]);
    t.zero_();
    expect(Array.from(t.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(t.version).toBe(3);
    t.copy_(2.5);
    expect(t.data[5]).toBe(2.5);
    expect(t.version).toBe(4);
  });

  test('an in-place write to a tensor that requires grad needs noGrad (PyTorch’s rule for leaves)', () => {
    const x = leaf([1, 2]);
    expect(() => x.fill_(0)).toThrow(GraphError);
    expect(() => x.fill_(0)).toThrow(
      /fill_: an in-place write to a tensor that requires grad .* must run under noGrad/,
    );
    expect(x.version).toBe(0);
    expect(Array.from(x.data)).toEqual([1, 2]);
    noGrad(() => x.fill_(0));
    expect(x.version).toBe(1);
  });

  test('int32 writes truncate and refuse what int32 cannot hold', () => {
    const t = zeros([2], { dtype: 'int32' });
    t.fill_(2.7);
    expect(Array.from(t.data)).toEqual([2, 2]);
    expect(() => t.fill_(NaN)).toThrow(ValueError);
    expect(() => t.copy_(tensor([1, 3e9], { dtype: 'float64' }))).toThrow(/astype: x\[1\] is 3000000000/);
    expect(Array.from(t.data)).toEqual([2, 2]);
  });

  test('bad arguments are typed errors', () => {
    const t = zeros([2]);
    expect(() => t.fill_('1' as never)).toThrow(/fill_: value must be a number, got "1"/);
    expect(() => t.copy_(null as never)).toThrow(/copy_: src must be a Tensor, got null/);
    expect(() => t.copy_(zeros([3]))).toThrow(/copy_: src of shape \[3\] does not broadcast to dst's \[2\]/);
  });

  test('writes after backward are the normal training loop: no error, and the next graph sees the new values', () => {
    const w = leaf([1, 2]);
    for (let step = 0; step < 3; step++) {
      const loss = w.mul(w).sum();
      w.grad = null;
      loss.backward();
      noGrad(() => w.copy_(w.sub(w.grad!.mul(0.1))));
    }
    expect(w.version).toBe(3);
    expect(w.toArray()).toEqual([0.512, 1.024].map((v) => expect.closeTo(v, 12)));
  });

  test('a view (reshape, detach) shares its base’s counter, so a write to either is seen', () => {
    const w = leaf([1, 2, 3, 4]);
    const x = tensor([[1, 1]], { dtype: 'float64' });
    const y = x.matmul(w.reshape([2, 2])).sum();
    noGrad(() => w.detach().fill_(0));
    expect(w.version).toBe(1);
    expect(() => y.backward()).toThrow(/input 1 of 'matmul' \(float64 \[2,2\]\) is at version 1; expected version 0/);
  });

  test('a saved output written in place is caught too (exp keeps its output)', () => {
    const x = leaf([0, 1]);
    const y = exp(x);
    const z = y.sum();
    noGrad(() => y.fill_(0));
    expect(() => z.backward()).toThrow(/modified by an in-place operation/);
  });

  test('gradient accumulation into an existing .grad counts as a write of that .grad', () => {
    const x = leaf([1, 2]);
    x.mul(2).sum().backward();
    const g = x.grad!;
    expect(g.version).toBe(0);
    x.mul(3).sum().backward();
    expect(x.grad).toBe(g);
    expect(Array.from(g.data)).toEqual([5, 5]);
    expect(g.version).toBe(1);
  });

  test('a graph kept with retainGraph is refused after a write, and the error names the version it expected', () => {
    const w = leaf([1, 2]);
    const y = w.mul(w).sum();
    y.backward(undefined, { retainGraph: true });
    noGrad(() => w.copy_(tensor([5, 5], { dtype: 'float64' })));
    noGrad(() => w.copy_(tensor([6, 6], { dtype: 'float64' })));
    expect(() => y.backward()).toThrow(/is at version 2; expected version 0/);
  });

  test('the functional transforms check versions as backward does', () => {
    const rng = new Rng(3);
    const w = randn([3], { rng, dtype: 'float64' });
    const f = (x: Tensor): Tensor => {
      const y = x.mul(w).sum();
      noGrad(() => w.fill_(1));
      return y;
    };
    expect(() => grad(f)(randn([3], { rng, dtype: 'float64' }))).toThrow(/modified by an in-place operation/);
  });
});
