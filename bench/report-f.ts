/**
 * Figure F's part of the report (bench/figure-f.ts): seconds per epoch of the addition seq2seq for
 * tapegrad, NumPy (the book's way) and PyTorch on one thread, and the target: tapegrad's
 * epoch ≤ 0.5 × PyTorch-1T's best of its rounds.
 */
import { pairedRatio, type Stat } from './rounds';
import { EPOCH_STEPS } from './seq2seq';

/** The contender keys of F: tapegrad's configurations, then the peers. */
export interface FKeys {
  tapegrad: string[];
  numpy: string;
  torch: string;
  /** The `--base` checkout's tapegrad, when there is one. */
  base?: string;
}

const fmt = (s: Stat | undefined): string =>
  s
    ? `${s.median.toFixed(2)} s [${s.min.toFixed(2)}–${s.max.toFixed(2)}], ${((s.min / EPOCH_STEPS) * 1000).toFixed(1)} ms/step best`
    : 'skipped';

/**
 * tapegrad's median epoch ÷ PyTorch's best epoch (the reference: PyTorch's best of ≥ 3
 * rounds), or NaN where either is missing.
 */
export function fTarget(F: Record<string, Stat>, tapegrad: string, torch: string): number {
  const t = F[tapegrad];
  const p = F[torch];
  return t && p ? t.median / p.min : NaN;
}

/** The lines of F: each contender's epoch, the paired ratios and the target's ratio. */
export function reportF(
  F: Record<string, Stat> | undefined,
  keys: FKeys,
  steps: { F: number; F_NUMPY: number },
): string[] {
  if (!F) return [];
  const [tgn] = keys.tapegrad;
  const lines = [
    '',
    `F: the addition seq2seq, s/epoch (${EPOCH_STEPS} steps of batch 128) — median [min–max] over rounds, taking turns; ` +
      `tapegrad and PyTorch time ${steps.F}-step runs, NumPy ${steps.F_NUMPY}, scaled to an epoch`,
  ];
  for (const k of [...keys.tapegrad.filter((t) => F[t]), keys.numpy, keys.torch])
    lines.push(`  ${k.padEnd(14)} ${fmt(F[k])}`);
  for (const peer of [keys.numpy, keys.torch, ...(keys.base ? [keys.base] : [])]) {
    const r = pairedRatio(F[tgn], F[peer]);
    if (Number.isFinite(r)) lines.push(`  ${tgn} ÷ ${peer}: ${r.toFixed(3)} (median of the rounds' ratios)`);
  }
  const t = fTarget(F, tgn, keys.torch);
  if (Number.isFinite(t)) lines.push(`  ${tgn} median ÷ ${keys.torch} best: ${t.toFixed(3)}`);
  return lines;
}
