import fc from 'fast-check';
import * as tg from '@tapegrad/core';
import { type KernelBackend, type WindowGeometry, jsBackend, thresholds } from '../src/kernels';
import { loadNative, withNativeKernels } from '../src/kernels/native';
import { same, values } from './float32-values';
import { arbPool2x2, arbPoolGeometry } from './window-arbitraries';

// The maxPool2dBackward kernel: the JS reference against hand-worked cases, the native kernel
// (its 2×2 stride-2 SSE path and its general path) against the JS one bit for bit on one and two
// threads, and the max-pool op's reuse of its index buffer under double backward.

const geom = (o: Partial<WindowGeometry>): WindowGeometry => ({
  ...{ n: 1, c: 1, h: 1, w: 1, kh: 2, kw: 2, sh: 2, sw: 2, pt: 0, pl: 0, dh: 1, dw: 1, oh: 1, ow: 1 },
  ...o,
});

/** dx of `size` elements filled with NaN first, so an element the kernel misses shows. */
function backward(be: KernelBackend, g: WindowGeometry, gy: number[], idx: number[], size: number): Float32Array {
  const dx = new Float32Array(size).fill(NaN);
  be.maxPool2dBackward(g, Float32Array.from(gy), Int32Array.from(idx), dx);
  return dx;
}

describe('maxPool2dBackward, worked out by hand', () => {
  test.each([
    ['js', () => jsBackend],
    ['active', () => tg.kernels()],
  ])('%s: every element written; gy at the index, −0 as 0; overlapping windows add up', (_name, be) => {
    // Two planes of 3×5, 2×2 windows at stride 2: row 2 and column 4 lie in no window.
    const g = geom({ c: 2, h: 3, w: 5, ow: 2 });
    const dx = backward(be(), g, [3, -0, -1.5, 2], [6, 2, 15, 23], 30);
    expect(Array.from(dx)).toEqual([
      ...[0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0],
      ...[-1.5, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0],
    ]);
    expect(Object.is(dx[2], 0)).toBe(true);
    // 1×4, windows 1×2 at stride 1: window 0 and 1 both chose element 1.
    const over = geom({ w: 4, kh: 1, sh: 1, sw: 1, ow: 3 });
    expect(Array.from(backward(be(), over, [1, 2, 4], [1, 1, 3], 4))).toEqual([0, 3, 0, 4]);
  });
});

const { addon, reason } = loadNative();
const describeNative = addon ? describe : describe.skip;
if (!addon) console.warn(`native maxPool2dBackward tests skipped: ${reason}`);

/** The winners of max pooling values from `seed` (rounded when `ties`, so that maxima tie). */
function winners(g: WindowGeometry, seed: number, ties: boolean): Int32Array {
  const x = values(g.n * g.c * g.h * g.w, seed, true).map((v) => (ties ? Math.round(v) : v));
  const idx = new Int32Array(g.n * g.c * g.oh * g.ow);
  jsBackend.maxPool2d(g, x, new Float32Array(idx.length), idx);
  return idx;
}

/** Whether every window covers an element of its own plane (what the max-pool op accepts). */
const covered = (g: WindowGeometry, idx: Int32Array): boolean =>
  idx.every((p, o) => Math.floor(p / (g.h * g.w)) === Math.floor(o / (g.oh * g.ow)));

/** Whether `be` gives the JS kernel's dx for the winners `idx` and gradients from `seed`. */
function alike(be: KernelBackend, g: WindowGeometry, idx: Int32Array, seed: number): boolean {
  const gy = values(idx.length, seed + 1, true);
  const size = g.n * g.c * g.h * g.w;
  const [a, b] = [new Float32Array(size).fill(7), new Float32Array(size).fill(-7)];
  be.maxPool2dBackward(g, gy, idx, a);
  jsBackend.maxPool2dBackward(g, gy, idx, b);
  return same(a, b);
}

/** alike on one thread and on two. */
function bothThreads(g: WindowGeometry, seed: number, ties: boolean): boolean[] {
  const idx = winners(g, seed, ties);
  return [alike(one, g, idx, seed), alike(two, g, idx, seed)];
}

let one: KernelBackend;
let two: KernelBackend;

describeNative('native maxPool2dBackward against the JS kernel, bit for bit', () => {
  const saved = structuredClone(thresholds.native);
  beforeAll(() => {
    thresholds.native.window = 0;
    one = withNativeKernels(jsBackend, addon!, 1);
    two = withNativeKernels(jsBackend, addon!, 2, { adaptive: false });
  });
  afterAll(() => {
    Object.assign(thresholds.native, saved);
    addon!.shutdown();
  });

  test('2×2 windows at stride 2 (the SSE path): widths past four windows, odd sizes, ties, NaN, −0', () => {
    fc.assert(
      fc.property(arbPool2x2, ({ planes, h, w, ties, seed }) => {
        const g = geom({ n: 2, c: planes, h, w, oh: h >> 1, ow: w >> 1 });
        expect(bothThreads(g, seed, ties)).toEqual([true, true]);
      }),
      { numRuns: 200 },
    );
  });

  test('any windows (padding, dilation, overlap: the general path)', () => {
    fc.assert(
      fc.property(arbPoolGeometry(), fc.boolean(), ({ g, seed }, ties) => {
        fc.pre(covered(g, winners(g, seed, ties)));
        expect(bothThreads(g, seed, ties)).toEqual([true, true]);
      }),
      { numRuns: 150 },
    );
  });

  test('a SimpleConvNet batch split over two threads; an index outside its plane is refused', () => {
    const g = geom({ n: 8, c: 30, h: 24, w: 24, oh: 12, ow: 12 });
    expect([...bothThreads(g, 3, false), ...bothThreads(g, 4, true)]).toEqual([true, true, true, true]);
    const k3 = { ...g, kh: 3, kw: 3, oh: 11, ow: 11 };
    expect(bothThreads(k3, 5, true)).toEqual([true, true]);
    const fields = Int32Array.from([1, 2, 2, 2, 1, 1, 1, 1, 0, 0, 1, 1, 2, 2]);
    const idx = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 2]);
    expect(() => addon!.maxPool2dBackward(fields, new Float32Array(8), idx, new Float32Array(8), 1)).toThrow(
      /outside its window's plane/,
    );
  });
});

test('double backward through maxPool2d stays right when the first graph is freed and its indices reused', () => {
  // 256×256 windows: an index buffer large enough for the buffer pool.
  const n = 512;
  const corner = (dy: number, dx: number): tg.Tensor =>
    tg.tensor(
      Float64Array.from({ length: n * n }, (_, p) => (Math.floor(p / n) % 2 === dy && p % 2 === dx ? 1 + (p % 5) : 0)),
      { shape: [1, 1, n, n], requiresGrad: true },
    );
  const x = corner(0, 0);
  const w = tg.randn([1, 1, n / 2, n / 2], { dtype: 'float64', requiresGrad: true });
  tg.maxPool2d(x, 2).mul(w).sum().backward(null, { createGraph: true, retainGraph: false });
  // dL/dx = w at the winners (top-left), recorded as a function of w; then another forward takes
  // the freed index buffer and writes other winners (bottom-right) into it.
  const gx = x.grad!;
  w.grad = null;
  tg.maxPool2d(corner(1, 1), 2);
  const r = tg.arange(0, n * n, 1, { dtype: 'float64' }).reshape([1, 1, n, n]);
  gx.mul(r).sum().backward();
  // d/dw Σ r·gx = r at the first pooling's winners.
  const want = Float64Array.from(
    { length: (n / 2) ** 2 },
    (_, o) => 2 * Math.floor(o / (n / 2)) * n + 2 * (o % (n / 2)),
  );
  expect(w.grad!.data.filter((v, o) => v !== want[o]).length).toBe(0);
});
