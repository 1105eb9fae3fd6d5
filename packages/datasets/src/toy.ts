import { checkBoolean, checkOptions, Tensor } from '@tapegrad/core';
import { labelTensor, oneHot } from './one-hot';
import type { LabeledData } from './types';

/**
 * Options of {@link sevenSegment} and {@link xor}.
 *
 * @example
 * const options: ToyOptions = { oneHot: true };
 * xor(options).t.shape; // [4, 2]
 */
export interface ToyOptions {
  /** `t` one-hot over the classes instead of the binary targets (default false). */
  oneHot?: boolean;
}

/** Segments a–g lit for each digit, from the NumPy-DNN textbook's figure. */
const SEGMENTS = [
  '1111110',
  '0110000',
  '1101101',
  '1111001',
  '0110011',
  '1011011',
  '0011111',
  '1110000',
  '1111111',
  '1110011',
];

/**
 * The seven-segment LED patterns of the NumPy-DNN textbook: `x` float32 `[10, 7]` (segments
 * a–g, 1 = lit; 0 = 1111110 … 9 = 1110011), `t` the digit as 4-bit binary float32 `[10, 4]`,
 * most significant bit first (5 → 0101), or one-hot `[10, 10]`; `labels` the digits 0–9.
 *
 * @example
 * const { x, t } = sevenSegment(); // x [10, 7], t [10, 4]
 * sevenSegment({ oneHot: true }).t.shape; // [10, 10]
 */
export function sevenSegment(options: ToyOptions = {}): LabeledData {
  const hot = toyOneHot('sevenSegment', options);
  const x = new Float32Array(70);
  const bits = new Float32Array(40);
  SEGMENTS.forEach((pattern, d) => {
    for (let s = 0; s < 7; s++) x[d * 7 + s] = Number(pattern[s]);
    for (let b = 0; b < 4; b++) bits[d * 4 + b] = (d >> (3 - b)) & 1;
  });
  const labels = labelTensor(Int32Array.from({ length: 10 }, (_, d) => d));
  return { x: new Tensor(x, [10, 7]), t: hot ? oneHot(labels, 10) : new Tensor(bits, [10, 4]), labels };
}

/**
 * The XOR truth table: `x` float32 `[4, 2]` = (0,0), (0,1), (1,0), (1,1), `t` float32 `[4, 1]`
 * = 0, 1, 1, 0 (or one-hot `[4, 2]`), `labels` int32 the same 0/1.
 *
 * @example
 * const { x, t } = xor(); // the classic non-linearly-separable problem
 * xor({ oneHot: true }).t.shape; // [4, 2]
 */
export function xor(options: ToyOptions = {}): LabeledData {
  const hot = toyOneHot('xor', options);
  const x = new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]);
  const labels = labelTensor(Int32Array.of(0, 1, 1, 0));
  return {
    x: new Tensor(x, [4, 2]),
    t: hot ? oneHot(labels, 2) : new Tensor(new Float32Array([0, 1, 1, 0]), [4, 1]),
    labels,
  };
}

function toyOneHot(fn: string, options: ToyOptions): boolean {
  const { oneHot: hot } = checkOptions(fn, options, ['oneHot']);
  return hot === undefined ? false : checkBoolean(fn, 'oneHot', hot);
}
