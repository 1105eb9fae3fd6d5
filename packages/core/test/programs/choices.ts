import { Tensor } from '@tapegrad/core';

/**
 * The random decisions of one program step (which operand, which axis, which exponent …), drawn
 * in order from numbers fast-check generated, so that a failing program shrinks and replays.
 *
 * @example
 * const c = new Choices([7, 2, 913]);
 * c.int(3); c.pick(['a', 'b']); c.uniform(-1, 1);
 */
export class Choices {
  private k = 0;

  constructor(private readonly u: readonly number[]) {}

  /** An integer in [0, n). */
  int(n: number): number {
    const v = this.u[this.k % this.u.length] + Math.floor(this.k / this.u.length) * 7919;
    this.k++;
    return n <= 0 ? 0 : v % n;
  }

  /** One of `xs`. */
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }

  /** true or false. */
  bool(): boolean {
    return this.int(2) === 1;
  }

  /** A number in [lo, hi] on a grid of 1000 steps. */
  uniform(lo: number, hi: number): number {
    return lo + (this.int(1001) / 1000) * (hi - lo);
  }

  /** An axis of a tensor of rank `ndim`, sometimes negative (0 or −1 for a scalar). */
  axis(ndim: number): number {
    const n = Math.max(ndim, 1);
    const a = this.int(n);
    return this.bool() ? a - n : a;
  }

  /** A permutation of 0..n-1. */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }
}

/** The values of a tensor as a plain array. */
export function values(t: Tensor): number[] {
  return Array.from(t.data);
}

/** True when every value is at least `margin` away from each of `points` (kinks, bounds). */
export function clearOf(t: Tensor, points: readonly number[], margin = 0.05): boolean {
  return values(t).every((v) => points.every((p) => Math.abs(v - p) >= margin));
}

/** True when every value lies in [lo, hi]. */
export function within(t: Tensor, lo: number, hi: number): boolean {
  return values(t).every((v) => v >= lo && v <= hi);
}
