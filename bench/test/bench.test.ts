import { execFileSync } from 'child_process';
import { Rng, kernels, randn, tensor } from '@tapegrad/core';
import { tapegradConvTrainer } from '../convnet';
import * as path from 'path';
import { Peer } from '../peer';
import { baseCheckout } from '../base-peer';
import { baseComparison, type Figures, type Settings, targets } from '../report';
import { type Contender, pairedRatio, stat, takeTurns } from '../rounds';

describe('takeTurns', () => {
  test('warms every contender up once, then runs them in rounds that start one further on', async () => {
    const calls: string[] = [];
    const contender = (key: string, times: number[]): Contender => ({
      key,
      run: () => {
        calls.push(key);
        return times.shift()!;
      },
      warm: () => calls.push(`warm ${key}`),
    });
    const stats = await takeTurns([contender('a', [3, 1, 2]), contender('b', [5, 4, 6]), contender('c', [7, 9, 8])], 3);
    expect(calls).toEqual(['warm a', 'warm b', 'warm c', 'a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b']);
    expect(stats.a).toEqual({ median: 2, min: 1, max: 3, runs: [3, 1, 2] });
    expect(stats.c.median).toBe(8);
  });

  test('a contender without a warm-up is run once untimed', async () => {
    let n = 0;
    const stats = await takeTurns([{ key: 'x', run: () => ++n }], 2);
    expect(stats.x.runs).toEqual([2, 3]);
  });

  test('stat takes the middle of an odd count and the mean of the middle two of an even one', () => {
    expect(stat([5, 1, 3]).median).toBe(3);
    expect(stat([4, 1, 3, 2]).median).toBe(2.5);
  });

  test('pairedRatio is the median of the round-by-round ratios', () => {
    // A slow spell in round 2 slowed both: the ratio of medians (3/2) would count it, the
    // paired ratio does not.
    expect(pairedRatio(stat([2, 8, 3]), stat([1, 4, 2]))).toBe(2);
    expect(pairedRatio(stat([2, 8, 3]), stat([1, 4]))).toBeNaN();
    expect(pairedRatio(null, stat([1]))).toBeNaN();
  });
});

describe('Peer', () => {
  test('answers commands in order, keeps stray output off the protocol, and reports errors', async () => {
    const r = await Peer.node('echo', 'test/echo-peer.ts', [], {});
    if (typeof r === 'string') throw new Error(r);
    expect(r.info).toEqual({ ready: true });
    const [slow, fast] = await Promise.all([r.peer.call({ echo: 1, delay: 50 }), r.peer.call({ echo: 2 })]);
    expect([slow.echo, fast.echo]).toEqual([1, 2]);
    expect(await r.peer.seconds({ echo: 3 })).toBe(0.25);
    await expect(r.peer.call({ fail: 'no such figure' })).rejects.toThrow('no such figure');
    r.peer.close();
  }, 30000);

  test('a command that cannot start is reported, not thrown', async () => {
    const r = await Peer.start('nothing', path.join(__dirname, 'no-such-program'), [], {}, {});
    expect(r).toMatch(/^nothing skipped: /);
  });
});

function hasNumpy(): boolean {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

(hasNumpy() ? describe : describe.skip)('the NumPy peer', () => {
  test('times A, B and C on the data it is given', async () => {
    const fs = await import('fs');
    const os = await import('os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-bench-test-'));
    const [n, d] = [200, 784];
    const x = Float32Array.from({ length: n * d }, (_, i) => (i % 255) / 255);
    const labels = Int32Array.from({ length: n }, (_, i) => i % 10);
    fs.writeFileSync(path.join(dir, 'x.f32'), new Uint8Array(x.buffer));
    fs.writeFileSync(path.join(dir, 'labels.i32'), new Uint8Array(labels.buffer));
    const perm = Array.from({ length: n }, (_, i) => i);
    const r = await Peer.start(
      'NumPy peer',
      'python3',
      [path.join(__dirname, '..', 'numpy_peer.py')],
      { OPENBLAS_NUM_THREADS: '1' },
      {
        B: {
          xPath: path.join(dir, 'x.f32'),
          labelsPath: path.join(dir, 'labels.i32'),
          n,
          d,
          perm,
          activations: ['relu'],
        },
        C: { x: perm.slice(0, 120), labels: perm.slice(0, 60).map((i) => i % 3), perm: perm.slice(0, 60) },
      },
    );
    fs.rmSync(dir, { recursive: true, force: true });
    if (typeof r === 'string') throw new Error(r);
    try {
      expect(typeof r.info.numpy).toBe('string');
      expect(await r.peer.seconds({ cmd: 'A', shape: [8, 4, 16, true, false], sampleMs: 1 })).toBeGreaterThan(0);
      expect(await r.peer.seconds({ cmd: 'B', activation: 'relu', steps: 3 })).toBeGreaterThan(0);
      await expect(r.peer.call({ cmd: 'B', activation: 'tanh', steps: 1 })).rejects.toThrow("KeyError: 'B tanh'");
      expect(await r.peer.seconds({ cmd: 'C', steps: 2 })).toBeGreaterThan(0);
    } finally {
      r.peer.close();
    }
  }, 30000);

  test('an init it cannot carry out is reported as a skip, with the reason', async () => {
    const r = await Peer.start('NumPy peer', 'python3', [path.join(__dirname, '..', 'numpy_peer.py')], {}, { B: {} });
    expect(r).toBe("NumPy peer skipped: KeyError: 'xPath'");
  }, 30000);
});

describe('targets', () => {
  const s = (median: number) => ({ median, min: median, max: median, runs: [median] });
  const settings = {
    impls: { tgn: 'tapegrad×2', tg1: 'tapegrad×1', peers: ['tfjs-wasm', 'tfjs-cpu', 'numpy'] },
  } as Settings;

  test('checks each ratio of the issue against its bound, and skips what was not measured', () => {
    const A: Figures['A'] = {};
    // 1024³ is GEMM_SHAPES[4]; X@W1, Xᵀ@dH and dH@W1ᵀ are 5, 6 and 7 (seconds per call).
    A['tapegrad×1'] = [null, null, null, null, s(0.05), s(1), s(1.2), s(1.6)];
    A['tapegrad×2'] = [null, null, null, null, s(0.03)];
    A.numpy = [null, null, null, null, s(0.02)];
    const figures: Figures = {
      A,
      B: {
        'tapegrad×2 sigmoid': s(0.5),
        'tfjs-wasm sigmoid': s(6),
        'tfjs-cpu sigmoid': s(22),
        'numpy sigmoid': s(0.3),
      },
      C: { 'tapegrad×2': s(30), numpy: s(35) },
      D: { ratio: 1.01, stepsEnd: 100000, stepsFirst: 1000 },
    };
    const got = Object.fromEntries(
      targets(settings, figures).map(([what, v, holds]) => [what, [+v.toFixed(4), holds]]),
    );
    expect(got).toEqual({
      'B sigmoid: time ÷ tfjs-wasm ≤ 0.1': [0.0833, true],
      'B sigmoid: time ÷ tfjs-cpu ≤ 0.02': [0.0227, false],
      'B sigmoid: time ÷ NumPy ≤ 2': [1.6667, true],
      'C: time ÷ NumPy ≤ 2.5': [0.8571, true],
      'A 1024³: one thread ÷ NumPy GFLOP/s ≥ 0.3': [0.4, true],
      'A 1024³: tapegrad×2 ÷ tapegrad×1 GFLOP/s ≥ 1.6': [1.6667, true],
      "A: Xᵀ@dH time ÷ X@W1's (one thread) ≤ 1.5": [1.2, true],
      "A: dH@W1ᵀ time ÷ X@W1's (one thread) ≤ 1.5": [1.6, false],
      'D: RSS after 100000 steps ÷ after 1000 ≤ 1.1': [1.01, true],
    });
  });
});

describe('--base (another checkout taking turns)', () => {
  test('is named by --base or TAPEGRAD_BENCH_BASE, and must hold a bench peer', () => {
    const repo = path.resolve(__dirname, '..', '..');
    expect(baseCheckout(['node', 'run.ts'], {})).toBeNull();
    expect(baseCheckout(['node', 'run.ts', '--base', repo], {})).toBe(repo);
    expect(baseCheckout(['node', 'run.ts'], { TAPEGRAD_BENCH_BASE: repo })).toBe(repo);
    expect(() => baseCheckout(['node', 'run.ts', '--base', __dirname], {})).toThrow('--base must name a checkout');
    expect(() => baseCheckout(['node', 'run.ts', '--base'], {})).toThrow('got nothing');
  });

  test('the comparison lines are paired time ratios, this checkout over the base', () => {
    const s = (...runs: number[]) => ({ median: runs[0], min: runs[0], max: runs[0], runs });
    const f: Figures = {
      A: { t: [s(1, 2)], 't@base': [s(2, 2)] },
      B: { 't relu': s(1, 3), 't@base relu': s(2, 3) },
      C: { t: s(30, 40), 't@base': s(30, 20) },
      D: 'not run',
    };
    const lines = baseComparison('t', 't@base', ['relu'], f);
    expect(lines[2]).toBe('  B relu 0.750, C 1.500');
    expect(lines[3]).toMatch(/^ {2}A: 64³ 0\.750, 128³ —/);
  });
});

describe("figure E's per-phase breakdown", () => {
  test('times each phase by its kernels, leaves the backend as it was, and sums to the steps', () => {
    const x = randn([200, 784], { rng: new Rng(1) });
    const labels = tensor(
      Array.from({ length: 200 }, (_, i) => i % 10),
      { dtype: 'int32' },
    );
    const batches = [0, 100].map((s) => Int32Array.from({ length: 100 }, (_, i) => s + i));
    const trainer = tapegradConvTrainer({ x, labels, batches });
    const before = kernels();
    let clock = 0;
    // A fake clock: every reading advances 1 ms, so each timed kernel call counts 1 ms.
    const ms = trainer.profile(2, () => ++clock);
    expect(kernels()).toBe(before);
    for (const phase of ['conv forward', 'conv backward', 'pooling', 'Linear layers'] as const)
      expect(ms[phase]).toBeGreaterThanOrEqual(1);
    const total = Object.values(ms).reduce((a, b) => a + b, 0);
    expect(total * 2).toBe(clock - 1);
  });
});
