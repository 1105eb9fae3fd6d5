import * as os from 'os';
import { threadCount } from '@tapegrad/core';
import { KernelSplit } from '../src/kernels/native/split';
import { ThreadChoice } from '../src/kernels/thread-choice';
import { thresholds } from '../src/kernels/thresholds';

/** Runs `calls` gemms of `macs` where splitting costs `splitMs` and one thread `singleMs`. */
function simulate(choice: ThreadChoice, macs: number, calls: number, singleMs: number, splitMs: number): number {
  let splits = 0;
  for (let i = 0; i < calls; i++) {
    const split = choice.split(macs);
    if (split) splits++;
    choice.record(macs, split, split ? splitMs : singleMs);
  }
  return splits / calls;
}

describe('ThreadChoice', () => {
  test('settles on the faster mode, exploring the other in short bursts', () => {
    const c = new ThreadChoice();
    expect(simulate(c, 7.8e6, 320, 0.4, 0.25)).toBeGreaterThan(0.9);
    const d = new ThreadChoice();
    const share = simulate(d, 7.8e6, 320, 0.4, 0.9);
    expect(share).toBeLessThan(0.1);
    expect(share).toBeGreaterThan(0); // it keeps checking
  });

  test('explores less and less while the preference holds (each exploring call costs)', () => {
    const c = new ThreadChoice();
    simulate(c, 7.8e6, 1000, 0.37, 0.25);
    const share = simulate(c, 7.8e6, 2000, 0.37, 0.25);
    expect(1 - share).toBeLessThan(0.03); // bursts of 3 calls every 256
    expect(1 - share).toBeGreaterThan(0); // but it still looks
  });

  test('keeps the workers warm while splitting, and through an exploring burst but not after it', () => {
    const c = new ThreadChoice();
    simulate(c, 7.8e6, 300, 0.37, 0.25);
    expect(c.keepWarm(7.8e6)).toBe(true);
    const d = new ThreadChoice();
    simulate(d, 7.8e6, 300, 0.37, 0.9); // settled on one thread
    const warm: boolean[] = [];
    for (let i = 0; i < 600; i++) {
      const split = d.split(7.8e6);
      if (split) warm.push(d.keepWarm(7.8e6));
      d.record(7.8e6, split, split ? 0.9 : 0.37);
    }
    // Bursts of three splits: awake after the first two, asleep after the last.
    expect(warm.length % 3).toBe(0);
    expect(warm.length).toBeGreaterThan(0);
    for (let i = 0; i < warm.length; i++) expect(warm[i]).toBe(i % 3 !== 2);
  });

  test('is not thrown off by occasional slow splits (a worker still waking, a GC pause)', () => {
    // MNIST-MLP X·W1 as measured: split 0.24–0.26 ms, one in five 0.4–0.8 ms; one thread 0.37.
    const spikes = [0.25, 0.25, 0.8, 0.24, 0.25, 0.26, 0.25, 0.7, 0.25, 0.4];
    const c = new ThreadChoice();
    let splits = 0;
    let calls = 0;
    for (let i = 0; i < 2000; i++) {
      const split = c.split(7.8e6);
      c.record(7.8e6, split, split ? spikes[calls++ % spikes.length] : 0.37);
      if (i >= 200 && split) splits++;
    }
    expect(splits / 1800).toBeGreaterThan(0.9);
  });

  test('comes back to splitting although an exploring split pays to wake the sleeping workers', () => {
    // Workers sleep after 0.5 ms without work: the first split after one-thread calls waits
    // for one to wake (0.6 ms), the next ones take 0.25; one thread takes 0.37.
    const c = new ThreadChoice();
    simulate(c, 7.8e6, 200, 0.37, 0.9); // a busy spell: one thread wins
    let last = false;
    let splits = 0;
    for (let i = 0; i < 1000; i++) {
      const split = c.split(7.8e6);
      c.record(7.8e6, split, split ? (last ? 0.25 : 0.6) : 0.37);
      last = split;
      if (i >= 200 && split) splits++;
    }
    expect(splits / 800).toBeGreaterThan(0.85);
  });

  test('follows a change of load within a few dozen calls', () => {
    const c = new ThreadChoice();
    simulate(c, 1e6, 200, 0.1, 0.06); // idle machine: split
    simulate(c, 1e6, 100, 0.1, 0.3); // the other core gets busy
    expect(simulate(c, 1e6, 160, 0.1, 0.3)).toBeLessThan(0.1);
    simulate(c, 1e6, 100, 0.1, 0.06); // idle again
    expect(simulate(c, 1e6, 160, 0.1, 0.06)).toBeGreaterThan(0.9);
  });

  test('keeps size classes apart: small products stay on one thread while large ones split', () => {
    const c = new ThreadChoice();
    for (let i = 0; i < 200; i++) {
      simulate(c, 3e5, 1, 0.01, 0.02);
      simulate(c, 1e9, 1, 50, 26);
    }
    expect(simulate(c, 3e5, 160, 0.01, 0.02)).toBeLessThan(0.1);
    expect(simulate(c, 1e9, 160, 50, 26)).toBeGreaterThan(0.9);
  });
});

describe('KernelSplit (the native window and elementwise kernels)', () => {
  /** Calls of `size` elements that busy-wait `splitMs` split, `singleMs` not; the thread counts given. */
  function counts(split: KernelSplit, kernel: string, size: number, calls: number, splitMs: number, singleMs = 0) {
    const seen: number[] = [];
    for (let i = 0; i < calls; i++) {
      split.run(kernel, size, (t) => {
        seen.push(t);
        const until = performance.now() + (t > 1 ? splitMs : singleMs);
        while (performance.now() < until);
      });
    }
    return seen;
  }

  test('small calls stay on one thread; large ones split always when not adaptive', () => {
    const big = thresholds.native.split;
    expect(new Set(counts(new KernelSplit(2, true), 'relu', big - 1, 20, 0))).toEqual(new Set([1]));
    expect(new Set(counts(new KernelSplit(2, false), 'relu', big, 20, 1))).toEqual(new Set([2]));
    expect(new Set(counts(new KernelSplit(1, false), 'relu', big, 20, 0))).toEqual(new Set([1]));
  });

  test('settles on one thread for a kernel whose splits are slower, and keeps kernels apart', () => {
    const split = new KernelSplit(2, true);
    const size = thresholds.native.split * 4;
    const slow = counts(split, 'maxPool2d', size, 120, 1).slice(60);
    expect(slow.filter((t) => t === 2).length / slow.length).toBeLessThan(0.15);
    // relu's splits are the faster here: it keeps splitting, whatever maxPool2d chose.
    const fast = counts(split, 'relu', size, 60, 0, 1);
    expect(fast.filter((t) => t === 2).length / fast.length).toBeGreaterThan(0.5);
  });
});

describe('threadCount (TAPEGRAD_THREADS)', () => {
  test('defaults to the core count, takes a whole number ≥ 1, and refuses anything else', () => {
    expect(threadCount(undefined)).toBe(os.availableParallelism?.() ?? os.cpus().length);
    expect(threadCount('')).toBe(threadCount(undefined));
    expect(threadCount('1')).toBe(1);
    expect(threadCount('3')).toBe(3);
    for (const bad of ['0', '-2', '1.5', 'two', 'NaN']) {
      expect(() => threadCount(bad)).toThrow(
        `TAPEGRAD_THREADS must be a whole number ≥ 1 (1 = single-threaded), got '${bad}'`,
      );
    }
  });
});
