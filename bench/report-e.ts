/**
 * Figure E's part of the bench output: seconds per epoch of the book's SimpleConvNet for each
 * implementation, the ratios, the target against PyTorch on one thread (its best round), E's
 * GFLOP/s against the machine's single-core FMA peak, and tapegrad's per-layer breakdown.
 */
import { E_FLOP, PHASES } from './convnet';
import { pairedRatio, type Stat } from './rounds';

/** The machine's single-core FMA peak (DESIGN.md: ~206 GFLOP/s, AVX-512 on one Zen 5 core). */
export const FMA_PEAK_GFLOPS = 206;

/** How E was run. */
export interface ESettings {
  tgn: string;
  runs: number;
  steps: { tapegrad: number; torch: number; numpy: number; tfjs: number; epoch: number; profile: number };
  torch: { version: string; threads: number; blas: string } | null;
}

/** E's results: s/epoch per implementation (or why it could not run), and tapegrad's breakdown. */
export interface EFigure {
  stats: Record<string, Stat | string>;
  profile: Record<string, number>;
  settings: ESettings;
}

const isStat = (s: Stat | string | undefined): s is Stat => typeof s === 'object' && s !== null;

/** tapegrad's median epoch ÷ PyTorch's best: the target (≤ 0.4). */
export function eVersusTorchBest(f: EFigure): number {
  const tg = f.stats[f.settings.tgn];
  const pt = f.stats.pytorch;
  return isStat(tg) && isStat(pt) ? tg.median / pt.min : NaN;
}

/** The lines of figure E. */
export function eLines(f: EFigure): string[] {
  const { tgn, steps, runs } = f.settings;
  const names = Object.keys(f.stats);
  const out = [
    '',
    `E: SimpleConvNet on MNIST, s/epoch (${steps.epoch} steps of batch 100, Adam) — median [min–max] of ${runs} rounds; ${tgn}/peer is the time ratio, the median over rounds`,
  ];
  for (const name of names) {
    const s = f.stats[name];
    if (!isStat(s)) {
      out.push(`  ${name.padEnd(12)} ${s}`);
      continue;
    }
    const ratio = name === tgn ? '' : `  ${tgn}/${name} ${pairedRatio(f.stats[tgn] as Stat, s).toFixed(3)}`;
    out.push(`  ${name.padEnd(12)} ${s.median.toFixed(2)} [${s.min.toFixed(2)}–${s.max.toFixed(2)}]${ratio}`);
  }
  out.push(
    `  timed steps a run: tapegrad and PyTorch ${steps.tapegrad}, NumPy ${steps.numpy}, TF.js ${steps.tfjs}, scaled to ${steps.epoch}`,
  );
  const t = f.settings.torch;
  out.push(
    t ? `  PyTorch ${t.version}, ${t.threads} thread(s), BLAS: ${t.blas}` : '  PyTorch: not run (see the notes)',
  );
  const tg = f.stats[tgn];
  if (isStat(tg)) {
    const gflops = (E_FLOP * steps.epoch) / tg.median / 1e9;
    out.push(
      `  ${tgn}: ${((tg.median / steps.epoch) * 1e3).toFixed(2)} ms/step, ${gflops.toFixed(1)} GFLOP/s of the step's ${(E_FLOP / 1e9).toFixed(3)} GFLOP ` +
        `(${((100 * gflops) / FMA_PEAK_GFLOPS).toFixed(1)}% of one core's FMA peak, ~${FMA_PEAK_GFLOPS} GFLOP/s)`,
    );
  }
  const total = PHASES.reduce((s, p) => s + (f.profile[p] ?? 0), 0);
  out.push(
    `  one tapegrad step, ms (mean of ${steps.profile} profiled steps, wall clock): ` +
      PHASES.map((p) => `${p} ${(f.profile[p] ?? NaN).toFixed(2)}`).join(', ') +
      `; total ${total.toFixed(2)}`,
  );
  return out;
}

/** The target line: [what, value, holds], or none when PyTorch did not run. */
export function eTargets(f: EFigure): [string, number, boolean][] {
  const v = eVersusTorchBest(f);
  return Number.isFinite(v) ? [[`E: ${f.settings.tgn} median ÷ PyTorch×1 best ≤ 0.4`, v, v <= 0.4]] : [];
}
