import fc from 'fast-check';
import { jsBackend, thresholds, type KernelBackend } from '../src/kernels';
import { type NativeAddon, withNativeKernels } from '../src/kernels/native';
import { addon, defaultIsa, describeNative, f32, isas, reason, worst } from './native-cells-util';

// The addon's recurrent-cell kernels (native/cells.c) against the JS reference, on every
// instruction set this CPU runs, at sizes with and without a vector tail and at offsets: within
// 1e-5 of each array's largest magnitude (float32 arithmetic against the reference's float64).
// The LSTM kernels also with their batch split across two threads.
if (!addon) console.warn(`native cell tests skipped: ${reason}`);

const sizes = fc.record({
  batch: fc.integer({ min: 1, max: 5 }),
  hidden: fc.integer({ min: 1, max: 40 }),
  off: fc.integer({ min: 0, max: 7 }),
  scale: fc.constantFrom(0.5, 3, 40),
  seed: fc.integer({ min: 1, max: 1e6 }),
  bias: fc.boolean(),
});

describeNative('native recurrent cells', () => {
  const saved = { ...thresholds.native };
  let native: KernelBackend;
  let split: KernelBackend;
  beforeAll(() => {
    thresholds.native.cells = 0;
    thresholds.native.cellsThreaded = 0;
    // The addon, with its cell kernels noting that they were called.
    const counted = Object.create(addon!) as NativeAddon;
    for (const k of ['lstmCell', 'lstmCellBackward', 'gruCell', 'gruCellBackward'] as const) {
      const f = addon![k] as (...a: unknown[]) => void;
      Object.defineProperty(counted, k, { value: (...a: unknown[]) => ((calls[k] = true), f(...a)) });
    }
    native = withNativeKernels(jsBackend, counted, 1);
    split = withNativeKernels(jsBackend, counted, 2, { adaptive: false });
  });
  afterAll(() => {
    Object.assign(thresholds.native, saved);
    addon!.useIsa(defaultIsa);
    // Every kernel compared here ran in the addon (a gate that declined would compare JS with JS).
    expect(calls).toEqual({ lstmCell: true, lstmCellBackward: true, gruCell: true, gruCellBackward: true });
  });
  const calls: Record<string, boolean> = {};

  test.each(isas.flatMap((isa) => [1, 2].map((threads) => [isa, threads] as const)))(
    'lstmCell and its backward match the JS kernels (%s, %i threads)',
    (isa, threads) => {
      addon!.useIsa(isa);
      const kernel = threads === 1 ? native : split;
      fc.assert(
        fc.property(sizes, ({ batch: b, hidden: h, off, scale, seed, bias }) => {
          let s = seed;
          const r = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 2 * scale;
          const bh = b * h;
          const xw = f32(off + 4 * bh, r);
          const hw = f32(4 * bh, r);
          const bIh = bias ? f32(4 * h, r) : null;
          const bHh = bias ? f32(4 * h, r) : null;
          const c = f32(off + bh, r);
          const outs = [0, 1].map(() => ({
            h: new Float32Array(off + bh),
            c: new Float32Array(off + bh),
            acts: new Float32Array(off + 5 * bh),
          }));
          [jsBackend, kernel].forEach((k, i) =>
            k.lstmCell({
              xw,
              xwOff: off,
              hw,
              bIh,
              bHh,
              c,
              cOff: off,
              batch: b,
              hidden: h,
              hOut: outs[i].h,
              hOutOff: off,
              cOut: outs[i].c,
              cOutOff: off,
              acts: outs[i].acts,
              actsOff: off,
            }),
          );
          expect(
            Math.max(worst(outs[1].h, outs[0].h), worst(outs[1].c, outs[0].c), worst(outs[1].acts, outs[0].acts)),
          ).toBeLessThan(1e-5);
          expect(Array.from(outs[1].h.subarray(0, off)).every((v) => v === 0)).toBe(true);
          const gh = f32(off + bh, r);
          const gc = f32(off + bh, r);
          // Further incoming gradients, when drawn, at offsets of their own.
          const ins = bias ? f32(2 * off + bh, r) : null;
          const grads = [0, 1].map(() => ({ g: new Float32Array(off + 4 * bh), c: new Float32Array(off + bh) }));
          [jsBackend, kernel].forEach((k, i) =>
            k.lstmCellBackward({
              gh,
              ghOff: off,
              gc,
              gcOff: off,
              ghIn: ins,
              ghInOff: off,
              gcIn: ins,
              gcInOff: 2 * off,
              acts: outs[0].acts,
              actsOff: off,
              c,
              cOff: off,
              batch: b,
              hidden: h,
              gGates: grads[i].g,
              gGatesOff: off,
              gcPrev: grads[i].c,
              gcPrevOff: off,
            }),
          );
          expect(Math.max(worst(grads[1].g, grads[0].g), worst(grads[1].c, grads[0].c))).toBeLessThan(1e-5);
        }),
        { numRuns: 150 },
      );
    },
  );

  test.each(isas)('gruCell and its backward match the JS kernels (%s)', (isa) => {
    addon!.useIsa(isa);
    fc.assert(
      fc.property(sizes, ({ batch: b, hidden: h, scale, seed, bias }) => {
        let s = seed;
        const r = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 2 * scale;
        const bh = b * h;
        const xw = f32(3 * bh, r);
        const hw = f32(3 * bh, r);
        const bIh = bias ? f32(3 * h, r) : null;
        const bHh = bias ? f32(3 * h, r) : null;
        const hh = f32(bh, r);
        const outs = [0, 1].map(() => ({ out: new Float32Array(bh), acts: new Float32Array(4 * bh) }));
        [jsBackend, native].forEach((k, i) =>
          k.gruCell({ xw, hw, bIh, bHh, h: hh, batch: b, hidden: h, out: outs[i].out, acts: outs[i].acts }),
        );
        expect(Math.max(worst(outs[1].out, outs[0].out), worst(outs[1].acts, outs[0].acts))).toBeLessThan(1e-5);
        const gOut = f32(bh, r);
        const grads = [0, 1].map(() => ({
          x: new Float32Array(3 * bh),
          hw: new Float32Array(3 * bh),
          h: new Float32Array(bh),
        }));
        [jsBackend, native].forEach((k, i) =>
          k.gruCellBackward({
            gOut,
            acts: outs[0].acts,
            h: hh,
            batch: b,
            hidden: h,
            gXw: grads[i].x,
            gHw: grads[i].hw,
            gH: grads[i].h,
          }),
        );
        expect(
          Math.max(worst(grads[1].x, grads[0].x), worst(grads[1].hw, grads[0].hw), worst(grads[1].h, grads[0].h)),
        ).toBeLessThan(1e-5);
      }),
      { numRuns: 150 },
    );
  });

  test('NaN propagates and saturated gates are exact', () => {
    const h = 17;
    const xw = new Float32Array(4 * h).fill(1e4);
    xw[3] = NaN; // gate i of unit 3
    xw[2 * h + 5] = -1e4; // gate g of unit 5
    const args = (k: KernelBackend) => {
      const out = { h: new Float32Array(h), c: new Float32Array(h), acts: new Float32Array(5 * h) };
      k.lstmCell({
        xw,
        xwOff: 0,
        hw: new Float32Array(4 * h),
        bIh: null,
        bHh: null,
        c: new Float32Array(h).fill(2),
        cOff: 0,
        batch: 1,
        hidden: h,
        hOut: out.h,
        hOutOff: 0,
        cOut: out.c,
        cOutOff: 0,
        acts: out.acts,
        actsOff: 0,
      });
      return out;
    };
    for (const isa of isas) {
      addon!.useIsa(isa);
      const o = args(native);
      expect(Number.isNaN(o.c[3]) && Number.isNaN(o.h[3])).toBe(true);
      expect(o.c[0]).toBe(3); // f·c + i·g = 1·2 + 1·1
      expect(o.c[5]).toBe(1); // 2 − 1
      expect(o.acts[0]).toBe(1);
    }
  });
});
