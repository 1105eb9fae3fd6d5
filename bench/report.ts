/**
 * The output of `npm run bench`: tables of A, B and C with the ratios tapegrad ÷ peer, the D
 * line, the issue's targets checked one by one, and bench/results/<stamp>.json with every sample.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pairedRatio as ratio, type Stat } from './rounds';
import { type EFigure, eLines, eTargets } from './report-e';
import { flops, GEMM_SHAPES, type GemmShape } from './sgemm';

export { type ESettings } from './report-e';

/** How the run was made, for the header lines and the JSON. */
export interface Settings {
  quick: boolean;
  /** Timed runs of each implementation: A's samples, B's and C's runs. */
  runs: { A: number; BC: number };
  cores: number;
  threads: Record<string, number | null>;
  tapegradKernels: string;
  numpy: string | null;
  steps: { B: number; B_WASM: number; B_CPU: number; C: number; C_SLOW: number; epoch: number; warmup: number };
  /**
   * tapegrad with the default threads, on one thread (null when that is the same), on the WASM
   * kernels alone (null when they are the default), the peers.
   */
  impls: { tgn: string; tg1: string | null; tgw?: string | null; base?: string | null; peers: string[] };
  activations: string[];
  notes: string[];
  /** What the cores gave before and after the run (bench/machine.ts), and in words. */
  coreCheck?: { before: unknown; after: unknown; text: string[] };
}

/** A: s/call per implementation and shape; B: s/epoch by "impl activation"; C: µs/step by impl. */
export interface Figures {
  A: Record<string, (Stat | null)[]>;
  B: Record<string, Stat>;
  C: Record<string, Stat>;
  D: Record<string, number> | string;
  E?: EFigure;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]): string =>
    cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

const num = (x: number | undefined, digits: number): string =>
  x !== undefined && Number.isFinite(x) ? x.toFixed(digits) : '—';
const gflops = (s: GemmShape, st: Stat | null | undefined): number => (st ? flops(s) / st.median / 1e9 : NaN);

/** The issue's "Done when" ratios: [what, value, holds]. */
export function targets(cfg: Settings, f: Figures): [string, number, boolean][] {
  const { tgn, tg1 } = cfg.impls;
  const one = tg1 ?? tgn;
  const at = (label: string): number => GEMM_SHAPES.findIndex((s) => s.label.startsWith(label));
  const a = (impl: string, label: string): Stat | null | undefined => f.A[impl]?.[at(label)];
  const sq = GEMM_SHAPES[at('1024³')];
  const out: [string, number, boolean][] = [];
  const check = (what: string, v: number, holds: (v: number) => boolean): void => {
    if (Number.isFinite(v)) out.push([what, v, holds(v)]);
  };
  check('B sigmoid: time ÷ tfjs-wasm ≤ 0.1', ratio(f.B[`${tgn} sigmoid`], f.B['tfjs-wasm sigmoid']), (v) => v <= 0.1);
  check('B sigmoid: time ÷ tfjs-cpu ≤ 0.02', ratio(f.B[`${tgn} sigmoid`], f.B['tfjs-cpu sigmoid']), (v) => v <= 0.02);
  check('B sigmoid: time ÷ NumPy ≤ 2', ratio(f.B[`${tgn} sigmoid`], f.B['numpy sigmoid']), (v) => v <= 2);
  check('C: time ÷ NumPy ≤ 2.5', ratio(f.C[tgn], f.C.numpy), (v) => v <= 2.5);
  check('C: time ÷ tfjs-wasm ≤ 0.2', ratio(f.C[tgn], f.C['tfjs-wasm']), (v) => v <= 0.2);
  check('C: time ÷ tfjs-cpu ≤ 0.2', ratio(f.C[tgn], f.C['tfjs-cpu']), (v) => v <= 0.2);
  check(
    'A 1024³: one thread ÷ NumPy GFLOP/s ≥ 0.3',
    gflops(sq, a(one, '1024³')) / gflops(sq, a('numpy', '1024³')),
    (v) => v >= 0.3,
  );
  if (tg1) check(`A 1024³: ${tgn} ÷ ${tg1} GFLOP/s ≥ 1.6`, ratio(a(tg1, '1024³'), a(tgn, '1024³')), (v) => v >= 1.6);
  for (const l of ['Xᵀ@dH', 'dH@W1ᵀ']) {
    check(`A: ${l} time ÷ X@W1's (one thread) ≤ 1.5`, ratio(a(one, l), a(one, 'X@W1')), (v) => v <= 1.5);
  }
  if (typeof f.D !== 'string')
    check(`D: RSS after ${f.D.stepsEnd} steps ÷ after ${f.D.stepsFirst} ≤ 1.1`, f.D.ratio, (v) => v <= 1.1);
  if (f.E) out.push(...eTargets(f.E));
  return out;
}

/**
 * This checkout against the base one (`--base`): time ratios, each the median over rounds of the
 * two runs of a round (< 1: this checkout faster).
 */
export function baseComparison(tgn: string, base: string, activations: string[], f: Figures): string[] {
  const r = (a: Stat | null | undefined, b: Stat | null | undefined): string => num(ratio(a, b), 3);
  return [
    '',
    `this checkout ÷ base (${base}), time ratio, median over rounds (< 1: this checkout faster):`,
    `  ${activations.map((act) => `B ${act} ${r(f.B[`${tgn} ${act}`], f.B[`${base} ${act}`])}`).join(', ')}, C ${r(f.C[tgn], f.C[base])}`,
    `  A: ${GEMM_SHAPES.map((s, i) => `${s.label.split(' ')[0]} ${r(f.A[tgn]?.[i], f.A[base]?.[i])}`).join(', ')}`,
  ];
}

/**
 * `--only E`: figure E's lines and its target, and its JSON in bench/results/<stamp>-E.json.
 */
export function reportE(
  settings: EFigure['settings'],
  stats: EFigure['stats'],
  profile: EFigure['profile'],
  log: (s: string) => void,
): void {
  const f: EFigure = { stats, profile, settings };
  for (const line of eLines(f)) log(line);
  for (const [what, v, holds] of eTargets(f)) log(`  ${holds ? 'holds ' : 'MISSED'}  ${what}: ${v.toFixed(3)}`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${stamp}-E.json`);
  fs.writeFileSync(file, JSON.stringify({ stamp, E: f }, null, 2) + '\n');
  log(`wrote ${path.relative(process.cwd(), file)}`);
}

/** Prints the tables and the targets, writes the JSON; `t0` is the bench's start (ms). */
export function report(cfg: Settings, f: Figures, t0: number, log: (s: string) => void): void {
  const { tgn, tg1, tgw, base, peers } = cfg.impls;
  const tgImpls = [tgn, ...(tg1 ? [tg1] : []), ...(tgw ? [tgw] : []), ...(base ? [base] : [])];
  log('');
  log(
    `A: GFLOP/s (median of ${cfg.runs.A} samples); ratio columns are GFLOP/s ÷ GFLOP/s, the median over rounds (> 1: tapegrad faster)`,
  );
  const aImpls = [...tgImpls, ...peers];
  const one = tg1 ?? tgn;
  const aHead = [
    'shape',
    ...aImpls,
    `${one}/numpy`,
    `${tgn}/numpy`,
    ...(tg1 ? [`${tgn}/${tg1}`] : []),
    `${tgn}/tfjs-wasm`,
  ];
  const aRows = GEMM_SHAPES.map((s, i) => {
    const at = (impl: string): Stat | null | undefined => f.A[impl]?.[i];
    // GFLOP/s of x ÷ GFLOP/s of y = time of y ÷ time of x.
    const faster = (x: string, y: string): string => num(ratio(at(y), at(x)), 2);
    return [
      s.label,
      ...aImpls.map((impl) => num(gflops(s, at(impl)), 1)),
      faster(one, 'numpy'),
      faster(tgn, 'numpy'),
      ...(tg1 ? [faster(tgn, tg1)] : []),
      faster(tgn, 'tfjs-wasm'),
    ];
  });
  log(table(aHead, aRows));

  const fmt = (s: Stat | undefined, digits: number): string =>
    s ? `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}–${s.max.toFixed(digits)}]` : 'skipped';
  log('');
  log(
    'B: s/epoch, C: µs/step — median [min–max]; tg/peer is the time ratio, the median over rounds (< 1: tapegrad faster; 0.1 = 10× faster)',
  );
  const head = ['figure', ...tgImpls, ...peers, ...peers.map((p) => `${tgn}/${p}`)];
  const rows = [
    ...cfg.activations.map((act) => [
      `B ${act}`,
      ...[...tgImpls, ...peers].map((impl) => fmt(f.B[`${impl} ${act}`], 3)),
      ...peers.map((p) => num(ratio(f.B[`${tgn} ${act}`], f.B[`${p} ${act}`]), 3)),
    ]),
    [
      'C sigmoid',
      ...[...tgImpls, ...peers].map((impl) => (f.C[impl] || !tgImpls.includes(impl) ? fmt(f.C[impl], 1) : '—')),
      ...peers.map((p) => num(ratio(f.C[tgn], f.C[p]), 3)),
    ],
  ];
  log(table(head, rows));
  const st = cfg.steps;
  log(
    `B: tapegrad and NumPy time ${st.B}-step runs${st.B === st.epoch ? ' (whole epochs)' : ''}, tfjs-wasm ${st.B_WASM}, tfjs-cpu ${st.B_CPU}, ` +
      `scaled to ${st.epoch} steps; C: ${st.C} steps per run (tfjs-cpu ${st.C_SLOW}); 1 warm-up + ${cfg.runs.BC} runs each, ` +
      `taking turns (tapegrad also ${st.warmup} steps of training once, before B).`,
  );
  const D = f.D;
  if (typeof D === 'string') log(D);
  else {
    log(
      `D: tapegrad RSS after ${D.stepsFirst} steps of C ${D.rssFirstMB.toFixed(1)} MB, after ${D.stepsEnd} ${D.rssEndMB.toFixed(1)} MB, ratio ${D.ratio.toFixed(3)} ` +
        `(child process, steps counted after a ${D.warmup}-step warm-up; from a cold start, RSS after ${D.stepsFirst} steps ${D.rssColdMB.toFixed(1)} MB, ratio ${D.coldRatio.toFixed(3)}: V8 growing its young generation)`,
    );
  }
  log(
    `threads: ${Object.entries(cfg.threads)
      .map(([k, v]) => `${k} ${v ?? '—'}`)
      .join(', ')}${tg1 ? ` (${tg1}: 1)` : ''}; NumPy with OPENBLAS_NUM_THREADS=1; ${cfg.cores} cores`,
  );
  for (const note of cfg.notes) log(note);
  if (cfg.coreCheck) log(`cores before the run: ${cfg.coreCheck.text[0]}; after: ${cfg.coreCheck.text[1]}`);

  if (f.E) for (const line of eLines(f.E)) log(line);
  if (base) for (const line of baseComparison(tgn, base, cfg.activations, f)) log(line);

  const checks = targets(cfg, f);
  log('');
  log(`targets (issue #7): ${checks.filter((c) => c[2]).length} of ${checks.length} hold`);
  for (const [what, v, holds] of checks) log(`  ${holds ? 'holds ' : 'MISSED'}  ${what}: ${v.toFixed(3)}`);

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${stamp}.json`);
  const ratios = (fig: Record<string, Stat>, key: (impl: string) => string): Record<string, number | null> =>
    Object.fromEntries(
      peers.map((p) => [p, fig[key(tgn)] && fig[key(p)] ? fig[key(tgn)].median / fig[key(p)].median : null]),
    );
  const json = {
    stamp,
    ...cfg,
    machine: {
      cores: cfg.cores,
      cpu: os.cpus()[0]?.model,
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
    },
    A: {
      unit: 's/call; gflops = 2mnk / s',
      shapes: GEMM_SHAPES,
      ...Object.fromEntries(
        Object.entries(f.A).map(([impl, stats]) => [
          impl,
          stats.map((s, i) => (s ? { ...s, gflops: gflops(GEMM_SHAPES[i], s) } : null)),
        ]),
      ),
    },
    B: {
      unit: `s/epoch (${st.epoch} steps)`,
      ...f.B,
      ratios: Object.fromEntries(cfg.activations.map((act) => [act, ratios(f.B, (impl) => `${impl} ${act}`)])),
    },
    C: { unit: 'µs/step', ...f.C, ratios: ratios(f.C, (impl) => impl) },
    D,
    ...(f.E ? { E: { unit: `s/epoch (${f.E.settings.steps.epoch} steps)`, ...f.E } } : {}),
    targets: checks.map(([what, value, holds]) => ({ what, value, holds })),
    seconds: (Date.now() - t0) / 1000,
  };
  fs.writeFileSync(file, JSON.stringify(json, null, 2) + '\n');
  log(`wrote ${path.relative(process.cwd(), file)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}
