/**
 * What anomaly mode costs when it is off. Times a 2-10-3 sigmoid MLP on a spiral-sized batch
 * (30 points, 3,000 SGD steps, median of 5 runs; CPU time, since the machine may be shared):
 *   never    — in a fresh process where the hook slots were never set (the shipped default);
 *   toggled  — in a fresh process after detectAnomaly was switched on and off (and an
 *              AnomalyError thrown and caught), so the engine runs the same null checks after
 *              the slots held functions — the path every program that once debugged with it takes;
 *   in-process — both in one process, before and after the toggle (immune to process-to-process
 *              variation, not to load).
 * Prints the runs and the ratios. Run: npx ts-node --transpile-only packages/core/bench/anomaly-overhead.ts
 */
import { execFileSync } from 'child_process';
import {
  type Tensor,
  add,
  detectAnomaly,
  gather,
  log,
  matmul,
  mean,
  mul,
  neg,
  noGrad,
  randn,
  sigmoid,
  softmax,
  sub,
  tensor,
  zeros,
} from '../src';

const STEPS = 3000;
const RUNS = 5;
const BATCH = 30;

function spiralBatch(): { x: Tensor; rows: Tensor } {
  const xs: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < BATCH; i++) {
    const cls = i % 3;
    const r = (i / BATCH) * 1.0;
    const theta = cls * 4.0 + 4.0 * r + Math.sin(i) * 0.2;
    xs.push([r * Math.sin(theta), r * Math.cos(theta)]);
    labels.push(cls);
  }
  // Flat indices of each row's label in the [BATCH, 3] probability matrix.
  const rows = tensor(
    labels.map((c, i) => i * 3 + c),
    { dtype: 'int32' },
  );
  return { x: tensor(xs), rows };
}

function train(steps = STEPS): number {
  const { x, rows } = spiralBatch();
  const params = [mul(randn([2, 10]), 0.5), zeros([10]), mul(randn([10, 3]), 0.5), zeros([3])].map((p) => {
    const q = p.detach();
    q.requiresGrad = true;
    return q;
  });
  const [w1, b1, w2, b2] = params;
  // CPU time of this process, not wall time: the machine may be shared.
  const t0 = process.cpuUsage();
  for (let step = 0; step < steps; step++) {
    const h = sigmoid(add(matmul(x, w1), b1));
    const p = softmax(add(matmul(h, w2), b2));
    const loss = neg(mean(log(gather(p.reshape([-1]), rows))));
    loss.backward();
    noGrad(() => {
      for (const q of params) {
        const next = sub(q, mul(q.grad!, 1.0));
        q.data.set(next.data);
        q.grad = null;
      }
    });
  }
  const dt = process.cpuUsage(t0);
  return (dt.user + dt.system) / 1e3;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function toggle(): void {
  try {
    detectAnomaly(() => log(zeros([1])));
  } catch {
    // The AnomalyError is expected: it exercises the hooks once.
  }
  detectAnomaly(() => train(50));
}

function timed(): number {
  train(); // warm-up
  return median(Array.from({ length: RUNS }, () => train()));
}

function child(mode: 'never' | 'toggled' | 'inprocess'): string {
  if (mode === 'toggled') toggle();
  const first = timed();
  if (mode !== 'inprocess') return `${first}`;
  toggle();
  return `${first} ${timed()}`;
}

const arg = process.argv[2];
if (arg === 'never' || arg === 'toggled' || arg === 'inprocess') {
  process.stdout.write(`${child(arg)}\n`);
} else {
  const processes = Number(process.env.PROCESSES ?? 6);
  const runRaw = (mode: string): number[] =>
    execFileSync(process.execPath, [...process.execArgv, __filename, mode], {
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    })
      .trim()
      .split(' ')
      .map(Number);
  const run = (mode: string): number => runRaw(mode)[0];
  // Alternate the two sides so that load on a shared machine hits both alike.
  const never: number[] = [];
  const toggled: number[] = [];
  for (let i = 0; i < processes; i++) {
    never.push(run('never'));
    toggled.push(run('toggled'));
  }
  const fmt = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(' ');
  console.log(
    `2-10-3 sigmoid MLP, batch ${BATCH}, ${STEPS} steps; CPU ms, median of ${RUNS} runs per process, ${processes} processes per side`,
  );
  console.log(`never set:        ${fmt(never)}`);
  console.log(`toggled then off: ${fmt(toggled)}`);
  console.log(
    `ratio toggled/never: median ${(median(toggled) / median(never)).toFixed(3)}, ` +
      `min ${(Math.min(...toggled) / Math.min(...never)).toFixed(3)}`,
  );
  const pairs = Array.from({ length: processes }, () => runRaw('inprocess'));
  const ratios = pairs.map(([a, b]) => b / a);
  console.log(`in-process before/after toggle: ${pairs.map(([a, b]) => `${a.toFixed(0)}/${b.toFixed(0)}`).join(' ')}`);
  console.log(`ratio after/before: median ${median(ratios).toFixed(3)}`);
}
