import fc from 'fast-check';
import { jsBackend, thresholds, type KernelBackend } from '../src/kernels';
import { type NativeAddon, withNativeKernels } from '../src/kernels/native';
import { addon, defaultIsa, describeNative, f32, isas, reason, worst } from './native-cells-util';

// The addon's whole-sequence LSTM kernels (native/lstm_sequence.c) against the JS reference (a
// loop of the JS products and cells), on every instruction set this CPU runs, on one thread and
// with the batch split across two: within 1e-5 of each array's largest magnitude. The sizes
// reach the products' edges (4H and in + H not multiples of a vector, batches not of a tile).
if (!addon) console.warn(`native LSTM sequence tests skipped: ${reason}`);

const sizes = fc.record({
  steps: fc.integer({ min: 1, max: 4 }),
  batch: fc.integer({ min: 1, max: 19 }),
  inSize: fc.integer({ min: 1, max: 20 }),
  hidden: fc.integer({ min: 1, max: 40 }),
  seed: fc.integer({ min: 1, max: 1e6 }),
  bias: fc.boolean(),
  wantX: fc.boolean(),
  wantState: fc.boolean(),
});

describeNative('native LSTM sequence', () => {
  const saved = { ...thresholds.native };
  const calls: Record<string, boolean> = {};
  let kernelsOn: Record<number, KernelBackend>;
  beforeAll(() => {
    thresholds.native.cells = 0;
    thresholds.native.cellsThreaded = 0;
    const counted = Object.create(addon!) as NativeAddon;
    for (const k of ['lstmSequence', 'lstmSequenceBackward'] as const) {
      const f = addon![k] as (...a: unknown[]) => boolean;
      Object.defineProperty(counted, k, { value: (...a: unknown[]) => ((calls[k] = true), f(...a)) });
    }
    kernelsOn = {
      1: withNativeKernels(jsBackend, counted, 1),
      2: withNativeKernels(jsBackend, counted, 2, { adaptive: false }),
    };
  });
  afterAll(() => {
    Object.assign(thresholds.native, saved);
    addon!.useIsa(defaultIsa);
    // Both kernels ran in the addon (a gate that declined would compare JS with JS).
    expect(calls).toEqual({ lstmSequence: true, lstmSequenceBackward: true });
  });

  test.each(isas.flatMap((isa) => [1, 2].map((threads) => [isa, threads] as const)))(
    'lstmSequence and its backward match the JS loops (%s, %i threads)',
    (isa, threads) => {
      addon!.useIsa(isa);
      fc.assert(
        fc.property(sizes, ({ steps: t, batch: b, inSize, hidden: h, seed, bias, wantX, wantState }) => {
          let s = seed;
          const r = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 2;
          const bh = b * h;
          const x = f32(t * b * inSize, r);
          const wIh = f32(4 * h * inSize, r);
          const wHh = f32(4 * h * h, r);
          const bIh = bias ? f32(4 * h, r) : null;
          const bHh = bias ? f32(4 * h, r) : null;
          const state0 = f32(2 * bh, r);
          const runs = [jsBackend, kernelsOn[threads]].map((k) => {
            const out = new Float32Array(2 * (t + 1) * bh);
            out.set(state0.subarray(0, bh), 0);
            out.set(state0.subarray(bh), (t + 1) * bh);
            const acts = new Float32Array(5 * t * bh);
            // The rows [x_t, h_{t−1}] when drawn (bias, for a second coin), else none.
            const xh = bias ? new Float32Array(t * b * (inSize + h)) : null;
            k.lstmSequence({ x, wIh, wHh, bIh, bHh, steps: t, batch: b, inSize, hidden: h, out, acts, xh });
            return { k, out, acts, xh };
          });
          expect(
            Math.max(
              worst(runs[1].out, runs[0].out),
              worst(runs[1].acts, runs[0].acts),
              bias ? worst(runs[1].xh!, runs[0].xh!) : 0,
            ),
          ).toBeLessThan(1e-5);
          const gy = f32(2 * (t + 1) * bh, r);
          const grads = runs.map(({ k }) => {
            const g = {
              gGates: new Float32Array(4 * t * bh),
              gX: wantX ? new Float32Array(t * b * inSize) : null,
              gState0: wantState ? new Float32Array(2 * bh).fill(NaN) : null,
            };
            const { out, acts } = runs[0];
            k.lstmSequenceBackward({ gy, acts, out, wIh, wHh, steps: t, batch: b, inSize, hidden: h, ...g });
            return g;
          });
          expect(
            Math.max(
              worst(grads[1].gGates, grads[0].gGates),
              wantState ? worst(grads[1].gState0!, grads[0].gState0!) : 0,
              wantX ? worst(grads[1].gX!, grads[0].gX!) : 0,
            ),
          ).toBeLessThan(1e-5);
        }),
        { numRuns: 60 },
      );
    },
  );
});
