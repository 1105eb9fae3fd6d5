import { Tensor, checkInteger, flatten } from '@tapegrad/core';
import { Module } from '../module';
import { declareKeepsNoTensors } from './keeps-no-tensors';

/**
 * Flattens axes `startDim` … `endDim` into one (`torch.nn.Flatten`; defaults 1 and −1, so the
 * batch axis stays): the bridge from convolutions to Linear layers.
 *
 * @example
 * new Flatten().forward(zeros([100, 30, 12, 12])).shape; // [100, 4320]
 */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
    checkInteger('Flatten', 'startDim', startDim);
    checkInteger('Flatten', 'endDim', endDim);
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}

declareKeepsNoTensors(Flatten);
