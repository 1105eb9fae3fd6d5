import { checkAllocation, checkInteger, checkNumber, checkOptions, Rng, Tensor, ValueError } from '@tapegrad/core';

/**
 * Options of {@link sineWave}.
 *
 * @example
 * const options: SineWaveOptions = { numSteps: 200, period: 25, windowSize: 10, noise: 0 };
 * sineWave(options).x.shape; // [190, 10, 1]
 */
export interface SineWaveOptions {
  /** Length of the series (default 1000). */
  numSteps?: number;
  /** Steps per cycle of the sine (default 50). */
  period?: number;
  /** Past values each example sees (default 25). */
  windowSize?: number;
  /** Amplitude of the uniform noise added to every value, `noise·U(−1, 1)` (default 0.05). */
  noise?: number;
  /** Share of the windows held out, the last ones in time (default 0.2). */
  testFraction?: number;
  /** Seed of the `Rng` that draws the noise (default 1984). */
  seed?: number;
}

/** A noisy sine series cut into windows for next-value prediction; see {@link sineWave}. */
export interface SineWave {
  /** The noisy series, float32 `[numSteps]`: `sin(2π·i / period) + noise·U(−1, 1)`. */
  series: Tensor;
  /** The same without noise, float32 `[numSteps]`: the truth to plot predictions against. */
  clean: Tensor;
  /** Every window, float32 `[N, windowSize, 1]` (batch first), N = numSteps − windowSize. */
  x: Tensor;
  /** The value after each window, float32 `[N, 1]`: `t[i] = series[i + windowSize]`. */
  t: Tensor;
  /** The first windows, `x[:splitAt]`. */
  xTrain: Tensor;
  tTrain: Tensor;
  /** The last windows in time, `x[splitAt:]` (their inputs overlap the training series' end). */
  xTest: Tensor;
  tTest: Tensor;
  /** Index of the first held-out window; its target is `series[splitAt + windowSize]`. */
  splitAt: number;
}

/**
 * A sine wave with noise for next-value prediction (the classic first RNN exercise): window
 * `i` holds `series[i … i + windowSize − 1]` and its target is `series[i + windowSize]`. The split
 * is in time, not shuffled: the last `testFraction` of the windows are held out. Seeded: the same
 * options give the same numbers on every machine.
 *
 * @example
 * const { xTrain, tTrain, xTest, clean, splitAt } = sineWave(); // xTrain [780, 25, 1], tTrain [780, 1]
 * const { x } = sineWave({ numSteps: 100, windowSize: 10, noise: 0 }); // [90, 10, 1], exact sines
 */
export function sineWave(options: SineWaveOptions = {}): SineWave {
  const fn = 'sineWave';
  const o = checkOptions(fn, options, ['numSteps', 'period', 'windowSize', 'noise', 'testFraction', 'seed']);
  const numSteps = o.numSteps === undefined ? 1000 : checkInteger(fn, 'numSteps', o.numSteps, { min: 3, max: 1e8 });
  const period = o.period === undefined ? 50 : checkNumber(fn, 'period', o.period, { above: 0 });
  const windowSize =
    o.windowSize === undefined ? 25 : checkInteger(fn, 'windowSize', o.windowSize, { min: 1, max: numSteps - 2 });
  const noise = o.noise === undefined ? 0.05 : checkNumber(fn, 'noise', o.noise, { min: 0 });
  const testFraction =
    o.testFraction === undefined ? 0.2 : checkNumber(fn, 'testFraction', o.testFraction, { above: 0, below: 1 });
  const seed = o.seed === undefined ? 1984 : checkInteger(fn, 'seed', o.seed);
  const n = numSteps - windowSize;
  const numTest = Math.floor(n * testFraction);
  if (numTest < 1 || numTest >= n) {
    throw new ValueError(
      `${fn}: testFraction ${testFraction} of ${n} windows leaves ${numTest} held out and ${n - numTest} for training; both need at least one`,
    );
  }
  checkAllocation(fn, [n, windowSize, 1], 'float32');
  const rng = new Rng(seed);
  const clean = new Float32Array(numSteps);
  const series = new Float32Array(numSteps);
  for (let i = 0; i < numSteps; i++) {
    clean[i] = Math.sin((2 * Math.PI * i) / period);
    series[i] = clean[i] + noise * rng.uniform(-1, 1);
  }
  const x = new Float32Array(n * windowSize);
  const t = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x.set(series.subarray(i, i + windowSize), i * windowSize);
    t[i] = series[i + windowSize];
  }
  const splitAt = n - numTest;
  const xs = new Tensor(x, [n, windowSize, 1]);
  const ts = new Tensor(t, [n, 1]);
  return {
    series: new Tensor(series, [numSteps]),
    clean: new Tensor(clean, [numSteps]),
    x: xs,
    t: ts,
    xTrain: xs.slice([0, splitAt]),
    tTrain: ts.slice([0, splitAt]),
    xTest: xs.slice([splitAt, n]),
    tTest: ts.slice([splitAt, n]),
    splitAt,
  };
}
