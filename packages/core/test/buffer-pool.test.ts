import {
  type Tensor,
  bufferPoolStats,
  clearBufferPool,
  defineOp,
  grad,
  ones,
  randn,
  Rng,
  runOp,
  tensor,
} from '@tapegrad/core';

// The engine gives the buffers of dead gradients back to a pool (buffer-pool.ts) that the next
// large `empty` reuses. These tests pin what it reuses, and that nothing anyone can still read
// is ever overwritten: hooks, retained gradients, leaf gradients, user-defined ops.

const N = 1 << 17; // above POOL_MIN_ELEMENTS
const rng = new Rng(7);

/** A leaf of N values, and a chain whose intermediate gradients are all large fresh arrays. */
function chain(x: Tensor): Tensor {
  return x.mul(x).relu().exp().mul(x).sum();
}

function snapshot(t: Tensor | null): number[] {
  return Array.from(t!.data.subarray(0, 64));
}

/** `f` of each of x's first 64 values. */
function expected(x: Tensor, f: (v: number) => number): number[] {
  return Array.from(x.data.subarray(0, 64), f);
}

function expectClose(got: number[], want: number[]): void {
  got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThanOrEqual(1e-12 * Math.abs(want[i])));
}

/** A float64 leaf of N values in about ±1 (so that exp(exp(x)) stays finite). */
const leaf = (): Tensor => {
  const x = randn([N], { rng, dtype: 'float64' }).mul(0.5);
  x.requiresGrad = true;
  return x;
};

/** Forward and backward steps of the chain: they fill the pool. */
function steps(n: number): void {
  for (let i = 0; i < n; i++) {
    const x = leaf();
    chain(x).backward();
  }
}

/** Runs steps, then takes every buffer the pool holds (at most 6 of a size) and writes it. */
function churn(): void {
  steps(3);
  const held: Tensor[] = [];
  for (let i = 0; i < 8; i++) held.push(ones([N]).mul(5));
}

beforeEach(() => clearBufferPool());

test('a backward gives dead gradients back, and the next step reuses them with the same results', () => {
  const x = leaf();
  const before = bufferPoolStats();
  chain(x).backward();
  expect(bufferPoolStats().heldBytes).toBeGreaterThan(0);
  const first = snapshot(x.grad);
  x.grad = null;
  chain(x).backward();
  expect(bufferPoolStats().reused).toBeGreaterThan(before.reused);
  expect(snapshot(x.grad)).toEqual(first);
});

test('reused buffers come back zeroed, as empty() promises', () => {
  steps(1);
  expect(bufferPoolStats().buffers).toBeGreaterThan(0);
  const z = tensor(new Float32Array(N)).mul(2); // an op output of the pooled size
  expect(z.data.every((v) => v === 0)).toBe(true);
});

test('a buffer is reused only once nothing holds it: views (reshape) and shared gradients (add)', () => {
  const x = leaf();
  // add hands its gy to both inputs, reshape hands on a view of its gy: each branch's rule runs
  // after the buffer's first reader has finished with it, and must still read the right values.
  const y = x
    .mul(x)
    .reshape([N / 2, 2])
    .exp()
    .reshape([N])
    .add(x.exp().mul(x))
    .sum();
  y.backward();
  // d/dx [exp(x²) + x·exp(x)] = 2x·exp(x²) + exp(x)·(1 + x)
  expectClose(
    snapshot(x.grad),
    expected(x, (v) => 2 * v * Math.exp(v * v) + Math.exp(v) * (1 + v)),
  );
});

test("a leaf's .grad is never overwritten by later steps", () => {
  const x = leaf();
  chain(x).backward();
  const kept = snapshot(x.grad);
  churn();
  expect(snapshot(x.grad)).toEqual(kept);
});

test('a retained intermediate gradient is never overwritten', () => {
  const x = leaf();
  const h = x.mul(x);
  h.retainGrad();
  h.relu().exp().sum().backward();
  const kept = snapshot(h.grad);
  churn();
  expect(snapshot(h.grad)).toEqual(kept);
});

test('a gradient a hook saw (and may keep) is never reused, in this backward or later', () => {
  const x = leaf();
  const h = x.mul(x);
  const seen: Tensor[] = [];
  h.registerHook((g) => {
    seen.push(g);
  });
  h.exp().exp().sum().backward();
  // d/dh sum(exp(exp(h))) = exp(exp(h))·exp(h)
  const want = expected(x, (v) => Math.exp(Math.exp(v * v)) * Math.exp(v * v));
  expectClose(snapshot(seen[0]), want);
  churn();
  expectClose(snapshot(seen[0]), want);
});

test("a user-defined op's rule may keep its incoming gradient: it is never reused, in this backward or later", () => {
  const stash: Tensor[] = [];
  const logGrad = defineOp<void>({
    name: 'logGrad',
    forward: ([x]) => x.mul(1),
    backward: (gy) => {
      stash.push(gy);
      return [gy.mul(1)];
    },
  });
  const x = leaf();
  runOp(logGrad, [x.exp()], undefined).exp().sum().backward();
  // The rule's gy is d/du sum(exp(u)) at u = exp(x); the op's input gradient (exp's) reuses
  // whatever the pool holds at that moment.
  const want = expected(x, (v) => Math.exp(Math.exp(v)));
  expectClose(snapshot(stash[0]), want);
  churn();
  expectClose(snapshot(stash[0]), want);
});

test('the functional grad() hands out gradients the pool never takes', () => {
  const x = randn([N], { rng });
  const g = grad((v: Tensor) => chain(v))(x);
  const kept = snapshot(g);
  churn();
  expect(snapshot(g)).toEqual(kept);
});

test('clearBufferPool drops every free buffer', () => {
  steps(1);
  expect(bufferPoolStats().heldBytes).toBeGreaterThan(0);
  clearBufferPool();
  expect(bufferPoolStats()).toMatchObject({ heldBytes: 0, buffers: 0 });
});
