import {
  type DType,
  Tensor,
  ValueError,
  batchNorm,
  checkBoolean,
  checkDType,
  checkInteger,
  checkNumber,
  checkOptions,
  full,
  incrementVersion,
  noGrad,
  zeros,
} from '@tapegrad/core';
import { Module } from '../module';

const fmtShape = (shape: readonly number[]): string => `[${shape.join(',')}]`;
import { Parameter } from '../parameter';
import { declareKeepsNoTensors } from './keeps-no-tensors';

/** Options of {@link BatchNorm1d} and {@link BatchNorm2d}: PyTorch's names and defaults. */
export interface BatchNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Weight of the new batch in the running statistics (default 0.1); null: a cumulative average. */
  momentum?: number | null;
  /** Learnable per-channel scale `weight` (ones) and shift `bias` (zeros) (default true). */
  affine?: boolean;
  /** Keep running statistics for evaluation (default true); false: always batch statistics. */
  trackRunningStats?: boolean;
  /** Parameter and statistics dtype (default float32). */
  dtype?: DType;
}

/**
 * Batch normalisation over the channel axis 1 (PyTorch's conventions): in training, each
 * channel is normalised by the batch's mean and biased variance over every other axis, and the
 * running statistics move towards the batch's, `running = (1 − momentum)·running +
 * momentum·batch`, the variance's update using the unbiased batch variance (n/(n − 1) times the
 * biased one); in evaluation the running statistics normalise. `y = (x − mean)/√(var + eps)·weight
 * + bias`. Buffers: `running_mean`, `running_var`, `num_batches_tracked` (an I64 in checkpoints).
 */
abstract class BatchNormNd extends Module {
  /** `[C]` scale, or null when not affine. */
  weight: Parameter | null;
  /** `[C]` shift, or null when not affine. */
  bias: Parameter | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly trackRunningStats: boolean;

  constructor(
    private readonly kind: 'BatchNorm1d' | 'BatchNorm2d',
    private readonly ranks: readonly number[],
    readonly numFeatures: number,
    options: BatchNormOptions,
  ) {
    super();
    checkInteger(kind, 'numFeatures', numFeatures, { min: 1 });
    const o = checkOptions(kind, options, ['eps', 'momentum', 'affine', 'trackRunningStats', 'dtype']);
    this.eps = o.eps === undefined ? 1e-5 : checkNumber(kind, 'eps', o.eps, { min: 0 });
    this.momentum =
      o.momentum === undefined
        ? 0.1
        : o.momentum === null
          ? null
          : checkNumber(kind, 'momentum', o.momentum, { min: 0, max: 1 });
    const affine = o.affine === undefined ? true : checkBoolean(kind, 'affine', o.affine);
    this.trackRunningStats =
      o.trackRunningStats === undefined ? true : checkBoolean(kind, 'trackRunningStats', o.trackRunningStats);
    const dtype = o.dtype === undefined ? 'float32' : checkDType(kind, o.dtype);
    this.weight = affine ? new Parameter(full([numFeatures], 1, { dtype })) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    const track = this.trackRunningStats;
    this.registerBuffer('running_mean', track ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('running_var', track ? full([numFeatures], 1, { dtype }) : null);
    this.registerBuffer('num_batches_tracked', track ? zeros([], { dtype: 'int32' }) : null, { int64: true });
  }

  /** The running mean `[C]` (buffer `running_mean`), or null without running statistics. */
  get runningMean(): Tensor | null {
    return this.#buffer('running_mean');
  }

  /** The running variance `[C]` (buffer `running_var`), or null without running statistics. */
  get runningVar(): Tensor | null {
    return this.#buffer('running_var');
  }

  /** Training batches seen (buffer `num_batches_tracked`), or null without running statistics. */
  get numBatchesTracked(): Tensor | null {
    return this.#buffer('num_batches_tracked');
  }

  #buffer(name: string): Tensor | null {
    return (this as unknown as Record<string, Tensor | null>)[name] ?? null;
  }

  forward(x: Tensor): Tensor {
    const c = this.numFeatures;
    if (!this.ranks.includes(x.ndim) || x.shape[1] !== c) {
      throw new ValueError(
        `${this.kind}.forward: x must be ${this.ranks.map((r) => `rank ${r}`).join(' or ')} with ${c} channels on axis 1, got ${fmtShape(x.shape)}`,
      );
    }
    const axes = x.shape.map((_, a) => a).filter((a) => a !== 1);
    const perChannel = x.shape.map((d, a) => (a === 1 ? c : 1));
    const rm = this.runningMean;
    const rv = this.runningVar;
    // Evaluation with running statistics: one batchNorm node (ONNX's BatchNormalization on export).
    if (!this.training && rm !== null && rv !== null)
      return batchNorm(x, rm, rv, this.weight, this.bias, { eps: this.eps });
    const n = x.size / c;
    if (this.training && n <= 1) {
      throw new ValueError(
        `${this.kind}.forward: needs more than 1 value per channel when training, got ${fmtShape(x.shape)}`,
      );
    }
    const mean = x.mean(axes, true);
    const xc = x.sub(mean);
    const v = xc.square().mean(axes, true);
    let y = xc.div(v.add(this.eps).sqrt());
    if (this.training && rm !== null && rv !== null) this.#track(mean, v, n);
    if (this.weight !== null && this.bias !== null)
      y = y.mul(this.weight.reshape(perChannel)).add(this.bias.reshape(perChannel));
    return y;
  }

  /** Moves the running statistics towards the batch's (mean, biased variance v over n values). */
  #track(mean: Tensor, v: Tensor, n: number): void {
    const count = this.numBatchesTracked!;
    count.data[0] += 1;
    const f = this.momentum ?? 1 / count.data[0];
    noGrad(() => {
      const rm = this.runningMean!.data;
      const rv = this.runningVar!.data;
      for (let i = 0; i < this.numFeatures; i++) {
        rm[i] = (1 - f) * rm[i] + f * mean.data[i];
        rv[i] = (1 - f) * rv[i] + (f * v.data[i] * n) / (n - 1);
      }
    });
    // In-place writes: a graph that saved the running statistics (an evaluation-mode forward)
    // must not backpropagate through their new values.
    incrementVersion(this.runningMean!);
    incrementVersion(this.runningVar!);
    incrementVersion(count);
  }

  /**
   * Sets the running statistics back to mean 0, variance 1 and the batch count to 0.
   *
   * @example
   * bn.resetRunningStats();
   */
  resetRunningStats(): void {
    noGrad(() => {
      this.runningMean?.fill_(0);
      this.runningVar?.fill_(1);
      this.numBatchesTracked?.fill_(0);
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/**
 * Batch normalisation of `[N, C]` or `[N, C, L]` inputs (`torch.nn.BatchNorm1d`), per channel.
 *
 * @example
 * const bn = new BatchNorm1d(100);
 * bn.forward(randn([32, 100])).shape; // [32, 100]; bn.eval() then uses the running statistics
 */
export class BatchNorm1d extends BatchNormNd {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super('BatchNorm1d', [2, 3], numFeatures, options);
  }
}

/**
 * Batch normalisation of `[N, C, H, W]` inputs (`torch.nn.BatchNorm2d`), per channel.
 *
 * @example
 * const bn = new BatchNorm2d(16);
 * bn.forward(randn([8, 16, 28, 28])).shape; // [8, 16, 28, 28]
 */
export class BatchNorm2d extends BatchNormNd {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super('BatchNorm2d', [4], numFeatures, options);
  }
}

declareKeepsNoTensors(BatchNorm1d);
declareKeepsNoTensors(BatchNorm2d);
