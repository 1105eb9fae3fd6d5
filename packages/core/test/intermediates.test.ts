import {
  type Tensor,
  bufferPoolStats,
  clearBufferPool,
  conv2d,
  grad,
  ones,
  defineOp,
  empty,
  markIntermediate,
  worthRecycling,
  maxPool2d,
  randn,
  Rng,
  runOp,
} from '@tapegrad/core';

// A tensor marked with markIntermediate is held by the tape alone: once a backward that frees
// the graph has run every node reading it, its buffer goes to the pool, and the next large
// `empty` of its size gets that very buffer. These tests pin when that happens and, above all,
// every case where it must not.

const N = 1 << 17; // above the pool's minimum size
const rng = new Rng(11);

beforeEach(() => clearBufferPool());

/** A weight that needs a gradient, x marked as an intermediate of it, and a loss reading x. */
function setup(): { w: Tensor; x: Tensor; loss: () => Tensor } {
  const w = randn([N], { rng, dtype: 'float64' });
  w.requiresGrad = true;
  const x = markIntermediate(w.mul(2));
  return { w, x, loss: () => x.mul(x).sum() };
}

/** Whether the next array of x's size and dtype reuses x's buffer. */
const reused = (x: Tensor): boolean => empty([N], x.dtype).data.buffer === x.data.buffer;

test('a marked tensor goes back to the pool after a backward that frees the graph', () => {
  const { w, x, loss } = setup();
  const want = Array.from(w.data.subarray(0, 8), (v) => 8 * v);
  loss().backward();
  expect(Array.from(w.grad!.data.subarray(0, 8))).toEqual(want);
  expect(reused(x)).toBe(true);
});

test('an unmarked intermediate is left to the garbage collector', () => {
  const w = randn([N], { rng, dtype: 'float64' });
  w.requiresGrad = true;
  const x = w.mul(2);
  x.mul(x).sum().backward();
  expect(reused(x)).toBe(false);
});

test('retainGraph keeps it: a second backward still reads the right values', () => {
  const { w, x, loss } = setup();
  const l = loss();
  l.backward(null, { retainGraph: true });
  expect(reused(x)).toBe(false);
  const first = Array.from(w.grad!.data.subarray(0, 8));
  w.grad = null;
  l.backward();
  expect(Array.from(w.grad!.data.subarray(0, 8))).toEqual(first);
});

test('createGraph keeps it (the gradient graph reads the forward tensors)', () => {
  const { w, x, loss } = setup();
  loss().backward(null, { createGraph: true });
  expect(reused(x)).toBe(false);
  const g = w.grad!;
  const before = Array.from(g.data.subarray(0, 8));
  g.sum().backward();
  expect(Array.from(g.data.subarray(0, 8))).toEqual(before);
});

// An op that passes no gradient back, so the node reading x behind it gets none and is skipped.
const blocker = defineOp({ name: 'testBlocker', forward: ([a]) => a.mul(1), backward: () => [null] });

test('a node in the graph that did not run keeps what it reads', () => {
  const { w, x } = setup();
  // x · 3 is recorded (x needs grad) but receives no gradient through the blocker: it is
  // skipped and not released, so x must stay.
  const skippedBranch = runOp(blocker, [x.mul(3)], undefined).sum();
  x.sum().add(skippedBranch).backward();
  expect(reused(x)).toBe(false);
  expect(w.grad).not.toBeNull();
});

test('a failed backward gives nothing back', () => {
  const { x } = setup();
  const bad = defineOp({ name: 'testBadRule', forward: ([a]) => a.mul(1), backward: () => [] });
  const l = runOp(bad, [x], undefined).sum();
  expect(() => l.backward()).toThrow(/returned 0 gradients/);
  expect(reused(x)).toBe(false);
});

test('a buffer shared by two marked views is given back once', () => {
  const { x } = setup();
  const v = markIntermediate(x.reshape([2, N / 2]));
  v.sum().add(x.sum()).backward();
  const a = empty([N], 'float64');
  const b = empty([N], 'float64');
  expect(a.data.buffer).toBe(x.data.buffer);
  expect(b.data.buffer).not.toBe(x.data.buffer);
});

test("max pooling's argmax array is reused once its node is released, and not before", () => {
  const x = randn([4, 16, 64, 64], { rng });
  x.requiresGrad = true;
  const y = maxPool2d(x, 2);
  const idx = y.creator!.saved![0];
  expect(idx.dtype).toBe('int32');
  y.sum().backward(null, { retainGraph: true });
  expect(empty([idx.size], 'int32').data.buffer).not.toBe(idx.data.buffer);
  const g1 = Array.from(x.grad!.data.subarray(0, 64));
  x.grad = null;
  y.sum().backward();
  expect(Array.from(x.grad!.data.subarray(0, 64))).toEqual(g1);
  expect(empty([idx.size], 'int32').data.buffer).toBe(idx.data.buffer);
});

/** Puts a NaN-filled float32 buffer of n elements in the pool (a marked tensor after a backward). */
function poisonPool(n: number): void {
  const w = randn([n], { rng });
  w.requiresGrad = true;
  const x = markIntermediate(w.mul(Number.NaN));
  x.sum().backward();
}

// Outputs that their kernel overwrites whole take a pooled buffer without zeroing it first; one
// element left unwritten would show the NaN.
test.each([
  ['relu', (a: Tensor) => a.relu()],
  ['exp', (a: Tensor) => a.exp()],
  ['matmul', (a: Tensor) => a.reshape([256, 512]).matmul(a.reshape([512, 256]).slice([0, 512], [0, 256]))],
  ['conv2d without bias', (a: Tensor) => conv2d(a.reshape([2, 1, 256, 256]), ones([2, 1, 1, 1]))],
  ['conv2d with bias', (a: Tensor) => conv2d(a.reshape([2, 1, 256, 256]), ones([2, 1, 1, 1]), ones([2]))],
  ['relu backward', (a: Tensor) => grad((v: Tensor) => v.relu().mul(v).sum())(a)],
])('%s over a reused, dirty buffer gives what a fresh one gives', (_name, f) => {
  const a = randn([N], { rng });
  const fresh = Array.from(f(a).data);
  poisonPool(fresh.length);
  const before = bufferPoolStats().reused;
  const again = f(a);
  expect(bufferPoolStats().reused).toBeGreaterThan(before);
  expect(Array.from(again.data)).toEqual(fresh);
});

test('markIntermediate and worthRecycling refuse what is not a tensor, with a typed error naming them', () => {
  for (const bad of [null, undefined, 5, 'x', {}, [1, 2]]) {
    expect(() => markIntermediate(bad as unknown as Tensor)).toThrow(/markIntermediate: t must be a Tensor/);
    expect(() => worthRecycling(bad as unknown as Tensor)).toThrow(/worthRecycling: t must be a Tensor/);
  }
  expect(worthRecycling(randn([N]))).toBe(true);
  expect(worthRecycling(randn([N / 4]))).toBe(false);
});
