import type { Tensor } from '@tapegrad/core';

/**
 * A labelled data set as every loader returns it: inputs `x`, targets `t` and the integer class
 * of each row.
 *
 * @example
 * const { x, t, labels }: LabeledData = spiral();
 * x.shape; // [300, 2]
 */
export interface LabeledData {
  /** Inputs, float32, one example per row. */
  x: Tensor;
  /** Targets: one-hot float32 `[N, C]`, or the int32 labels, depending on the loader's options. */
  t: Tensor;
  /** Class index of each example, int32 `[N]`. */
  labels: Tensor;
}
