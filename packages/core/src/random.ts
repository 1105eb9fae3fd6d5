import { ValueError } from './errors';

/**
 * A seeded pseudo-random generator: xoshiro128** (Blackman & Vigna) seeded through SplitMix32,
 * with Box–Muller normals. The same seed gives bit-identical numbers on every run and platform.
 *
 * @example
 * const rng = new Rng(42);
 * rng.random(); rng.normal(); rng.permutation(10);
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Re-seeds the generator in place; `seed` is an integer (any, up to 2⁶⁴ in magnitude). */
  seed(seed: number): void {
    checkSeed('Rng.seed', seed);
    let x = Math.floor(seed) >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    const next = (): number => {
      // SplitMix32 (Steele et al.) spreads one 32-bit seed over the four state words.
      x = (x + 0x9e3779b9) | 0;
      let z = x ^ hi;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spare = null;
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const r = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A uniform double in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.random();
  }

  /** A standard normal sample (Box–Muller; the second value of each pair is kept for the next call). */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [low, high). */
  randint(low: number, high: number): number {
    if (!(high > low)) throw new ValueError(`Rng.randint: high (${high}) must exceed low (${low})`);
    return low + Math.floor(this.random() * (high - low));
  }

  /** A random permutation of 0..n-1 (Fisher–Yates), like `np.random.permutation(n)`. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** A new generator seeded from this one: independent streams for sub-components. */
  fork(): Rng {
    return new Rng(this.nextUint32() * 4294967296 + this.nextUint32());
  }
}

/**
 * A seed is an integer: 1.5 would silently be seed 1, and a forgotten argument (undefined) seed 0.
 * Up to 2⁶⁴ in magnitude (fork() makes seeds from two 32-bit words).
 */
function checkSeed(fn: string, seed: unknown): void {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || Math.abs(seed) > 2 ** 64) {
    const got = typeof seed === 'string' ? JSON.stringify(seed) : String(seed);
    throw new ValueError(`${fn}: seed must be an integer, got ${got}`);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

let defaultRng = new Rng(0);

/**
 * Re-seeds the default generator used by random functions called without an explicit `rng`.
 *
 * @example
 * manualSeed(1984); const a = randn([2]); manualSeed(1984); randn([2]); // same numbers as a
 */
export function manualSeed(seed: number): Rng {
  checkSeed('manualSeed', seed);
  defaultRng = new Rng(seed);
  return defaultRng;
}

/** The default generator (seeded with 0 at start-up, or by `manualSeed`). */
export function getDefaultRng(): Rng {
  return defaultRng;
}
