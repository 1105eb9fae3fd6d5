/**
 * The native convolution kernels (convForward, convWeightGrad) timed directly, two builds of the
 * addon side by side in one process, calls alternating, on figure E's layer and the deep
 * convnet's six. CPU time (process.cpuUsage) on one thread, the median of the rounds; with
 * `threads` 2, wall time instead, to see what the split buys:
 *
 *     cp packages/core/build/Release/tapegrad_native.node /tmp/old.node   # before the change
 *     npx ts-node -P bench/tsconfig.json bench/conv-kernels.ts /tmp/old.node [rounds] [threads] [ranges]
 *
 * The second build is this checkout's (packages/core/build/Release). The weight gradient's images
 * are cut into `ranges` ranges (by default `threads`: a backend's configured threads), e.g. 2 on
 * one thread for what a two-thread backend's unsplit call costs; builds before ranges took
 * `threads` alone.
 */
import * as path from 'path';
import type { NativeAddon } from '../packages/core/src/kernels/native';

interface Shape {
  name: string;
  n: number;
  c: number;
  hw: number;
  out: number;
  k: number;
  pad: number;
}

const shapes: Shape[] = [
  { name: 'E 1→30 5×5 28²', n: 100, c: 1, hw: 28, out: 30, k: 5, pad: 0 },
  { name: 'deep 1→16 3×3 28²', n: 100, c: 1, hw: 28, out: 16, k: 3, pad: 1 },
  { name: 'deep 16→16 3×3 28²', n: 100, c: 16, hw: 28, out: 16, k: 3, pad: 1 },
  { name: 'deep 16→32 3×3 14²', n: 100, c: 16, hw: 14, out: 32, k: 3, pad: 1 },
  { name: 'deep 32→32 3×3 14²', n: 100, c: 32, hw: 14, out: 32, k: 3, pad: 1 },
  { name: 'deep 32→64 3×3 7²', n: 100, c: 32, hw: 7, out: 64, k: 3, pad: 1 },
  { name: 'deep 64→64 3×3 7²', n: 100, c: 64, hw: 7, out: 64, k: 3, pad: 1 },
];

function load(file: string): NativeAddon {
  const m = { exports: {} as NativeAddon };
  process.dlopen(m, path.resolve(file));
  return m.exports;
}

/** convWeightGrad on `threads` threads in `ranges` ranges (builds before ranges took 8 arguments). */
function weightGrad(
  b: NativeAddon,
  ...[g, x, gy, gw, gb, out, threads, ranges]: [Int32Array, ...Float32Array[], number, number, number]
): void {
  const call = b.convWeightGrad as (...a: unknown[]) => void;
  try {
    call(g, x, gy, gw, gb, 1, out, threads, ranges);
  } catch {
    call(g, x, gy, gw, gb, 1, out, threads);
  }
}

function filled(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    a[i] = (s / 2 ** 32) * 2 - 1;
  }
  return a;
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const wallMs = (): number => Number(process.hrtime.bigint()) / 1e6;
const median = (a: number[]): number => [...a].sort((p, q) => p - q)[a.length >> 1];

function main(): void {
  const [oldFile, roundsArg, threadsArg, rangesArg] = process.argv.slice(2);
  const rounds = Number(roundsArg ?? 30);
  const threads = Number(threadsArg ?? 1);
  const ranges = Number(rangesArg ?? threads);
  const clock = threads > 1 ? wallMs : cpuMs;
  const builds = [load(oldFile), load(path.join(__dirname, '../packages/core/build/Release/tapegrad_native.node'))];
  console.log(
    `${threads} thread(s), ${ranges} range(s), ${threads > 1 ? 'wall' : 'CPU'} ms a call, median of ${rounds}; old / new`,
  );
  for (const s of shapes) {
    const oh = s.hw + 2 * s.pad - s.k + 1;
    const g = Int32Array.from([s.n, s.c, s.hw, s.hw, s.k, s.k, 1, 1, s.pad, s.pad, 1, 1, oh, oh]);
    const x = filled(s.n * s.c * s.hw * s.hw, 1);
    const w = filled(s.out * s.c * s.k * s.k, 2);
    const bias = filled(s.out, 3);
    const gy = filled(s.n * s.out * oh * oh, 4);
    const outs = builds.map(() => new Float32Array(gy.length));
    const gws = builds.map(() => new Float32Array(w.length));
    const gbs = builds.map(() => new Float32Array(s.out));
    const times = builds.map(() => [[] as number[], [] as number[]]);
    for (let r = -3; r < rounds; r++)
      builds.forEach((b, i) => {
        let t0 = clock();
        b.convForward(g, x, w, bias, outs[i], 1, s.out, threads);
        const f = clock() - t0;
        t0 = clock();
        weightGrad(b, g, x, gy, gws[i], gbs[i], s.out, threads, ranges);
        const wg = clock() - t0;
        if (r < 0) return;
        times[i][0].push(f);
        times[i][1].push(wg);
      });
    const diff = (a: Float32Array, b: Float32Array): number =>
      a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0) / b.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-30);
    const [fo, fn] = times.map((t) => median(t[0]));
    const [wo, wn] = times.map((t) => median(t[1]));
    console.log(
      `${s.name.padEnd(20)} forward ${fo.toFixed(3)} / ${fn.toFixed(3)} (×${(fn / fo).toFixed(2)})  ` +
        `weightGrad ${wo.toFixed(3)} / ${wn.toFixed(3)} (×${(wn / wo).toFixed(2)})  ` +
        `Δout ${diff(outs[1], outs[0]).toExponential(1)} Δgw ${diff(gws[1], gws[0]).toExponential(1)} (${gws[1].filter((v, i) => v !== gws[0][i]).length} differ)`,
    );
  }
  builds.forEach((b) => b.shutdown());
}

main();
