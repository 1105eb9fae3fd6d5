/**
 * Figure A of `npm run bench`: float32 matrix products through each framework's public API —
 * tapegrad `matmulT` (one thread, and the default thread count), TensorFlow.js `tf.matMul` with
 * its transpose flags — in GFLOP/s. The NumPy peer times the same shapes (bench/numpy_peer.py).
 * Each function here makes a sampler; bench/run.ts has the samplers take turns (bench/rounds.ts).
 */
import { type KernelBackend, matmulT, noGrad, setBackend, Tensor } from '@tapegrad/core';
import type * as TF from '@tensorflow/tfjs';

export interface GemmShape {
  label: string;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
}

function sq(s: number): GemmShape {
  return { label: `${s}³`, m: s, n: s, k: s, transA: false, transB: false };
}

/** Square 64…1024, then the MNIST-MLP products (batch 100, 784-100-10) of one training step. */
export const GEMM_SHAPES: GemmShape[] = [
  ...[64, 128, 256, 512, 1024].map(sq),
  { label: 'X@W1 (100×784)@(784×100)', m: 100, n: 100, k: 784, transA: false, transB: false },
  { label: 'Xᵀ@dH (784×100)ᵀ@(100×100)', m: 784, n: 100, k: 100, transA: true, transB: false },
  { label: 'dH@W1ᵀ (100×100)@(784×100)ᵀ', m: 100, n: 784, k: 100, transA: false, transB: true },
  { label: 'H@W2 (100×100)@(100×10)', m: 100, n: 10, k: 100, transA: false, transB: false },
  { label: 'Hᵀ@dY (100×100)ᵀ@(100×10)', m: 100, n: 10, k: 100, transA: true, transB: false },
  { label: 'dY@W2ᵀ (100×10)@(100×10)ᵀ', m: 100, n: 100, k: 10, transA: false, transB: true },
];

/** Stored operand shapes of op(A)·op(B). */
export function operandShapes(s: GemmShape): [number[], number[]] {
  return [s.transA ? [s.k, s.m] : [s.m, s.k], s.transB ? [s.n, s.k] : [s.k, s.n]];
}

export function flops(s: GemmShape): number {
  return 2 * s.m * s.n * s.k;
}

function randomData(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x >>> 0) / 2 ** 32 - 0.5;
  }
  return out;
}

/** Seconds per call over one sample: the call repeated until `sampleMs` have passed. */
export function sampleCalls(fn: () => void, sampleMs: number): number {
  let reps = 0;
  const t0 = process.hrtime.bigint();
  let dt = 0;
  do {
    fn();
    reps++;
    dt = Number(process.hrtime.bigint() - t0) / 1e9;
  } while (dt * 1000 < sampleMs);
  return dt / reps;
}

/** tapegrad's `matmulT` on `backend` (set for the duration): one sample, seconds per call. */
export function tapegradGemm(backend: KernelBackend, s: GemmShape, sampleMs: number): () => number {
  const [sa, sb] = operandShapes(s);
  const a = new Tensor(randomData(sa[0] * sa[1], 1), sa);
  const b = new Tensor(randomData(sb[0] * sb[1], 2), sb);
  return () => {
    const prev = setBackend(backend);
    try {
      return noGrad(() => sampleCalls(() => void matmulT(a, b, s.transA, s.transB), sampleMs));
    } finally {
      setBackend(prev);
    }
  };
}

/**
 * `tf.matMul(a, b, transposeA, transposeB)` with its result read back, on the tfjs backend that
 * is active when this is called (operands live there); `sample()` expects it active again.
 */
export function tfGemm(tf: typeof TF, s: GemmShape, sampleMs: number): { sample: () => number; dispose: () => void } {
  const [sa, sb] = operandShapes(s);
  const a = tf.tensor2d(randomData(sa[0] * sa[1], 1), sa as [number, number]);
  const b = tf.tensor2d(randomData(sb[0] * sb[1], 2), sb as [number, number]);
  const call = (): void => {
    const c = tf.matMul(a, b, s.transA, s.transB);
    c.dataSync();
    c.dispose();
  };
  return { sample: () => sampleCalls(call, sampleMs), dispose: () => tf.dispose([a, b]) };
}
