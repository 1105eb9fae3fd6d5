import * as ort from 'onnxruntime-node';
import { type DType, Tensor } from '@tapegrad/core';

const ORT_TYPE: Record<DType, 'float32' | 'float64' | 'int32'> = {
  float32: 'float32',
  float64: 'float64',
  int32: 'int32',
};

/**
 * Runs an exported model in ONNX Runtime (one thread; graph optimisations all, or none) and
 * returns its outputs as tapegrad tensors.
 *
 * @example
 * const { output } = await runOrt(bytes, { input: x });
 */
export async function runOrt(
  bytes: Uint8Array,
  feeds: Record<string, Tensor>,
  optimization: 'all' | 'disabled' = 'all',
): Promise<Record<string, Tensor>> {
  const session = await ort.InferenceSession.create(bytes, {
    graphOptimizationLevel: optimization,
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) {
      inputs[name] = new ort.Tensor(ORT_TYPE[t.dtype], t.data, [...t.shape]);
    }
    const result = await session.run(inputs);
    const out: Record<string, Tensor> = {};
    for (const [name, v] of Object.entries(result)) {
      out[name] = new Tensor(v.data as Float32Array | Float64Array | Int32Array, v.dims.map(Number));
    }
    return out;
  } finally {
    await session.release();
  }
}

/**
 * The largest elementwise difference relative to the largest magnitude of `expected`
 * (‖a − e‖∞ / ‖e‖∞), the measure the interop tests hold to 1e-5.
 *
 * @example
 * relError([1, 2.00001], [1, 2]); // 5e-6
 */
export function relError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    diff = d > diff || Number.isNaN(d) ? d : diff;
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return scale === 0 ? diff : diff / scale;
}
