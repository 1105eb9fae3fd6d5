/**
 * The in-browser test page (bundled by test/browser/bundle.ts, loaded by kernels.test.ts): the
 * kernels start in Chromium (WASM via `ready()`, threads only when the page is cross-origin
 * isolated), a subset of the gradient properties of packages/core/test (gradcheck and
 * gradgradcheck in float64 over random shapes, fast-check) and the WASM-against-JS kernel
 * equivalence checks run here, and the results go to `window.tapegradResults` for the test.
 */
import fc from 'fast-check';
import {
  type BinaryKernel,
  type KernelBackend,
  type Tensor,
  type UnaryKernel,
  jsBackend,
  kernels,
  linear,
  makeWasmBackend,
  ready,
  tensor,
  wasmUnavailableReason,
} from '@tapegrad/core';
import { arbBroadcastableShapes, arbMatmulShapes, arbTensor, gradcheck, gradgradcheck } from '@tapegrad/core/testing';
import { mlp, softmaxCrossEntropy } from '@tapegrad/nn';
import { spiral } from '@tapegrad/datasets';

interface Result {
  name: string;
  ok: boolean;
  detail: string;
}

const results: Result[] = [];
const RUNS = 30;

function check(name: string, body: () => string | void): void {
  try {
    results.push({ name, ok: true, detail: body() ?? '' });
  } catch (e) {
    results.push({ name, ok: false, detail: String((e as Error).message ?? e).slice(0, 2000) });
  }
}

const property = <T>(arb: fc.Arbitrary<T>, pred: (v: T) => boolean): void =>
  fc.assert(fc.property(arb, pred), { numRuns: RUNS, seed: 17 });

// Gradients: autograd against central differences, in float64, over random shapes.
function gradientProperties(): void {
  const pair = (c = {}) =>
    arbBroadcastableShapes(2, { maxRank: 3, maxDim: 4, ...c }).chain(([a, b]) =>
      fc.tuple(arbTensor({ shape: a }), arbTensor({ shape: b, min: 0.5, max: 2 })),
    );
  check('gradcheck add, sub, mul, div with broadcasting', () =>
    property(pair(), ([a, b]) =>
      [
        (x: Tensor, y: Tensor) => x.add(y),
        (x: Tensor, y: Tensor) => x.sub(y),
        (x: Tensor, y: Tensor) => x.mul(y),
        (x: Tensor, y: Tensor) => x.div(y),
      ].every((f) => gradcheck(f, [a, b]).ok),
    ),
  );
  check('gradcheck matmul over 1-D, 2-D and batched shapes', () =>
    property(
      arbMatmulShapes({ maxDim: 4 }).chain(([a, b]) => fc.tuple(arbTensor({ shape: a }), arbTensor({ shape: b }))),
      ([a, b]) => gradcheck((x, y) => x.matmul(y), [a, b]).ok,
    ),
  );
  const unary: [string, (t: Tensor) => Tensor, { min?: number; avoid?: number[] }][] = [
    ['exp', (t) => t.exp(), {}],
    ['log', (t) => t.log(), { min: 0.2 }],
    ['sqrt', (t) => t.sqrt(), { min: 0.2 }],
    ['tanh', (t) => t.tanh(), {}],
    ['sigmoid', (t) => t.sigmoid(), {}],
    ['relu', (t) => t.relu(), { avoid: [0] }],
    ['softmax', (t) => t.softmax(-1), {}],
    ['logSoftmax', (t) => t.logSoftmax(-1), {}],
    ['sum(-1, keepdims)', (t) => t.sum(-1, true), {}],
    ['mean', (t) => t.mean(), {}],
  ];
  for (const [name, f, range] of unary) {
    check(`gradcheck ${name}`, () =>
      property(
        arbTensor({ minRank: 1, maxRank: 3, maxDim: 4, min: range.min ?? -2, avoid: range.avoid }),
        (t) => gradcheck(f, [t]).ok,
      ),
    );
  }
  check('gradcheck linear(x, w, b)', () =>
    property(
      fc
        .record({
          n: fc.integer({ min: 1, max: 4 }),
          i: fc.integer({ min: 1, max: 4 }),
          o: fc.integer({ min: 1, max: 4 }),
        })
        .chain(({ n, i, o }) =>
          fc.tuple(arbTensor({ shape: [n, i] }), arbTensor({ shape: [o, i] }), arbTensor({ shape: [o] })),
        ),
      ([x, w, b]) => gradcheck((p, q, r) => linear(p, q, r), [x, w, b]).ok,
    ),
  );
  check('gradgradcheck tanh·exp and softmax (second derivatives)', () =>
    property(
      arbTensor({ minRank: 1, maxRank: 2, maxDim: 3 }),
      (t) => gradgradcheck((u) => u.tanh().mul(u.exp()), [t]).ok && gradgradcheck((u) => u.softmax(-1), [t]).ok,
    ),
  );
  check('gradcheck softmaxCrossEntropy of an nn MLP, w.r.t. its input', () => {
    const net = mlp([3, 5, 4], { activation: 'tanh', dtype: 'float64' });
    const labels = tensor([0, 3], { dtype: 'int32' });
    property(
      arbTensor({ shape: [2, 3] }),
      (x) => gradcheck((u) => softmaxCrossEntropy(net.forward(u), labels), [x]).ok,
    );
  });
}

const f32 = fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true });
const specials = [0, -0, 1, -1, NaN, Infinity, -Infinity, 88.7, -88.7, 100, -100];
// Long enough for the WASM kernels to take over from the JS ones (thresholds.wasm: 128 elements).
const arr = (len: number) =>
  fc.array(fc.oneof({ weight: 9, arbitrary: f32 }, fc.constantFrom(...specials)), { minLength: len, maxLength: len });

function sameOrClose(got: Float32Array, want: Float32Array, rel: number, what: string): void {
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)) || (g === 0 && w === 0)) continue;
    if (!(Math.abs(g - w) <= rel * Math.abs(w) + 1.2e-38)) throw new Error(`${what}: element ${i}: wasm ${g}, js ${w}`);
  }
}

// The WASM kernels against the JS reference, at sizes where the WASM ones run.
function kernelEquivalence(wasm: KernelBackend, label: string): void {
  const len = fc.integer({ min: 300, max: 2000 });
  const binaries: BinaryKernel[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'eq', 'gt', 'lt', 'ge', 'le'];
  check(`${label}: binary kernels equal the JS ones`, () =>
    property(
      len.chain((n) => fc.tuple(arr(n), arr(n))),
      ([xs, ys]) => {
        const a = Float32Array.from(xs);
        const b = Float32Array.from(ys);
        for (const kind of binaries) {
          const got = new Float32Array(a.length);
          const want = new Float32Array(a.length);
          wasm.binary(kind, a, b, got);
          jsBackend.binary(kind, a, b, want);
          sameOrClose(got, want, 0, kind);
        }
        return true;
      },
    ),
  );
  const exact: UnaryKernel[] = ['neg', 'sqrt', 'abs', 'relu', 'step', 'square', 'sign', 'reciprocal'];
  const approx: UnaryKernel[] = ['exp', 'sigmoid', 'tanh'];
  check(`${label}: unary kernels equal the JS ones (exp, sigmoid, tanh within 1e-5)`, () =>
    property(
      len.chain((n) => arr(n)),
      (xs) => {
        const a = Float32Array.from(xs);
        for (const kind of [...exact, ...approx]) {
          const got = new Float32Array(a.length);
          const want = new Float32Array(a.length);
          wasm.unary(kind, a, got);
          jsBackend.unary(kind, a, want);
          sameOrClose(got, want, approx.includes(kind) ? 1e-5 : 0, kind);
        }
        return true;
      },
    ),
  );
  check(`${label}: gemm equals the JS one for random shapes, transposes and offsets`, () =>
    property(
      fc.record({
        m: fc.integer({ min: 1, max: 70 }),
        n: fc.integer({ min: 1, max: 70 }),
        k: fc.integer({ min: 8, max: 90 }),
        transA: fc.boolean(),
        transB: fc.boolean(),
        off: fc.integer({ min: 0, max: 5 }),
        seed: fc.integer({ min: 1, max: 1e6 }),
      }),
      ({ m, n, k, transA, transB, off, seed }) => {
        const rnd = (len: number, s: number) => {
          const x = new Float32Array(len);
          for (let i = 0; i < len; i++) x[i] = (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31 - 1;
          return x;
        };
        const a = rnd(m * k + off, seed);
        const b = rnd(k * n + off, seed + 1);
        const got = new Float32Array(m * n + off);
        const want = new Float32Array(m * n + off);
        const args = { a, aOff: off, b, bOff: off, cOff: off, m, n, k, transA, transB };
        wasm.gemm({ ...args, c: got });
        jsBackend.gemm({ ...args, c: want });
        // float32 sums in another order: relative to the sum of |terms| (at most k·1)
        for (let i = 0; i < want.length; i++) {
          if (!(Math.abs(got[i] - want[i]) <= 1e-5 * k)) throw new Error(`C[${i}]: wasm ${got[i]}, js ${want[i]}`);
        }
        return true;
      },
    ),
  );
  check(`${label}: sumAxis, softmaxRows and addRows equal the JS ones`, () =>
    property(
      fc
        .record({ rows: fc.integer({ min: 4, max: 40 }), cols: fc.integer({ min: 40, max: 90 }) })
        .chain(({ rows, cols }) => fc.tuple(fc.constant(rows), fc.constant(cols), arr(rows * cols), arr(cols))),
      ([rows, cols, xs, bs]) => {
        const x = Float32Array.from(xs, (v) => (Number.isFinite(v) ? v : 1));
        const bias = Float32Array.from(bs, (v) => (Number.isFinite(v) ? v : 1));
        const sums = [new Float32Array(cols), new Float32Array(cols)];
        wasm.sumAxis(x, 1, rows, cols, sums[0]);
        jsBackend.sumAxis(x, 1, rows, cols, sums[1]);
        sameOrClose(sums[0], sums[1], 1e-5, 'sumAxis');
        const soft = [new Float32Array(rows * cols), new Float32Array(rows * cols)];
        wasm.softmaxRows(x, rows, cols, soft[0], new Float32Array(rows));
        jsBackend.softmaxRows(x, rows, cols, soft[1], new Float32Array(rows));
        sameOrClose(soft[0], soft[1], 1e-5, 'softmaxRows');
        const y = [x.slice(), x.slice()];
        wasm.addRows(y[0], bias, rows, cols);
        jsBackend.addRows(y[1], bias, rows, cols);
        sameOrClose(y[0], y[1], 0, 'addRows');
        return true;
      },
    ),
  );
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const started = await ready();
  const isolated = globalThis.crossOriginIsolated === true;
  const info = {
    kernels: started.name,
    wasmUnavailableReason: wasmUnavailableReason(),
    crossOriginIsolated: isolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
  };
  // ?nosimd: the test made WebAssembly.validate refuse everything, as an engine without SIMD does.
  const noSimd = new URLSearchParams(location.search).has('nosimd');
  if (noSimd) {
    check('without WASM SIMD, ready() falls back to the JS kernels and says why', () => {
      if (kernels().name !== 'js' || !/lacks WASM SIMD/.test(wasmUnavailableReason())) {
        throw new Error(`${kernels().name}: '${wasmUnavailableReason()}'`);
      }
      return wasmUnavailableReason();
    });
  } else {
    check('ready() starts the WASM kernels', () => {
      if (!kernels().name.startsWith('wasm'))
        throw new Error(`kernels().name is ${kernels().name}: ${info.wasmUnavailableReason}`);
      return kernels().name;
    });
    check('threads only where the page is cross-origin isolated', () => {
      const threaded = /\+\d+threads/.test(kernels().name);
      if (threaded !== (isolated && navigator.hardwareConcurrency >= 2)) {
        throw new Error(`${kernels().name} with crossOriginIsolated = ${isolated}`);
      }
      return kernels().name;
    });
  }
  check('an MLP trains on the spiral in the page (loss falls)', () => {
    const { x, labels } = spiral();
    const net = mlp([2, 16, 3], { activation: 'tanh' });
    const params = [...net.parameters()];
    const first = softmaxCrossEntropy(net.forward(x), labels).item();
    for (let i = 0; i < 300; i++) {
      const loss = softmaxCrossEntropy(net.forward(x), labels);
      params.forEach((p) => (p.grad = null));
      loss.backward();
      params.forEach((p) => p.data.set(p.sub(p.grad!.mul(1)).data));
    }
    const last = softmaxCrossEntropy(net.forward(x), labels).item();
    if (!(last < 0.6 * first)) throw new Error(`loss ${first} -> ${last}`);
    return `loss ${first.toFixed(3)} -> ${last.toFixed(3)}`;
  });
  gradientProperties();
  const one = noSimd ? null : makeWasmBackend(1);
  if (!noSimd) {
    check('makeWasmBackend(1) makes a WASM backend', () => {
      if (one === null) throw new Error(`null: ${wasmUnavailableReason()}`);
    });
  }
  if (one !== null) kernelEquivalence(one, 'wasm');
  if (isolated && !noSimd) {
    const two = makeWasmBackend(2, { adaptive: false });
    const [m, n, k] = [256, 128, 256];
    const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i));
    const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i));
    const want = new Float32Array(m * n);
    const args = { a, aOff: 0, b, bOff: 0, cOff: 0, m, n, k, transA: false, transB: false };
    jsBackend.gemm({ ...args, c: want });
    // The first large product starts the workers; give them time to report ready.
    two?.gemm({ ...args, c: new Float32Array(m * n) });
    await new Promise((resolve) => setTimeout(resolve, 500));
    check('a large gemm split across two Web Workers equals the JS one', () => {
      if (two === null) throw new Error('makeWasmBackend(2) is null in an isolated page');
      for (let round = 0; round < 20; round++) {
        const got = new Float32Array(m * n);
        two.gemm({ ...args, c: got });
        for (let i = 0; i < want.length; i++) {
          if (!(Math.abs(got[i] - want[i]) <= 1e-4 * k))
            throw new Error(`round ${round}, C[${i}]: ${got[i]} vs ${want[i]}`);
        }
      }
      return two.name;
    });
  }
  const w = window as unknown as { tapegradResults: unknown };
  w.tapegradResults = { info, results, seconds: (performance.now() - t0) / 1000 };
  const failed = results.filter((r) => !r.ok).length;
  document.body.textContent = `${results.length - failed} passed, ${failed} failed`;
}

main().catch((e) => {
  (window as unknown as { tapegradResults: unknown }).tapegradResults = { error: String((e as Error).stack ?? e) };
});
