/**
 * Whether a native window, elementwise or convolution call is split over the addon's threads.
 * These kernels are memory-bound: two threads pay on an idle machine, but beside busy processes
 * a worker is descheduled mid-range and the caller spins until it finishes (figure E took 49–100
 * ms a step on two threads against 37 on one, with the load average at 4 on two cores). So, as
 * for the gemm, each kernel splits above thresholds.native.split only when that has been faster
 * lately for its size class (Threads), or always with `adaptive: false`.
 */
import { type SplittableWork, Threads } from '../threads';
import { thresholds } from '../thresholds';

/** One backend's split decisions for its native window and elementwise kernels. */
export class KernelSplit {
  private readonly choices = new Map<string, Threads>();
  private readonly work: SplittableWork<(threads: number) => void>;

  /**
   * @example
   * const split = new KernelSplit(2, true);
   * split.run('relu', x.length, (t) => addon.unary(0, x, out, t));
   */
  constructor(
    /** The configured threads, split or not (the convolution's weight gradient cuts its sums by them). */
    readonly threads: number,
    private readonly adaptive: boolean,
  ) {
    this.work = (call, split) => (call(split ? this.threads : 1), true);
  }

  /** Runs `call(t)` with t = all threads or 1, as `kernel`'s choice for `size` elements says; true. */
  run(kernel: string, size: number, call: (threads: number) => void): true {
    let choice = this.choices.get(kernel);
    if (choice === undefined) this.choices.set(kernel, (choice = new Threads(this.adaptive)));
    choice.run(size, thresholds.native.split, this.threads > 1, this.work, call);
    return true;
  }
}
