/**
 * A TensorFlow.js process in `npm run bench` (see bench/peer.ts), one per backend: `wasm` (its
 * .wasm files from the package's own dist, setWasmPaths) or `cpu`. Answers A, B and C commands
 * (and E) with seconds. `@tensorflow/tfjs` is loaded whole: in Node it is what registers the gradients.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { serve } from './peer';
import { seconds } from './rounds';
import { tfConvTrainer } from './convnet';
import { GEMM_SHAPES, tfGemm } from './sgemm';
import { type Activation, mnistData, spiralData, type TfData, tfData, tfTrainer } from './trainers';

const backend = process.argv[2];

let B: TfData;
const trainers = new Map<string, (steps: number) => void>();
let gemm: { key: string; sample: () => number; dispose: () => void } | null = null;

serve(async (cmd) => {
  switch (cmd.cmd) {
    case 'init': {
      setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
      if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} did not start`);
      await tf.ready();
      B = tfData(tf, mnistData(), 10);
      trainers.set('C', tfTrainer(tf, tfData(tf, spiralData(), 3), [2, 10, 3], 1).run);
      return { threads: backend === 'wasm' ? getThreadsCount() : 1 };
    }
    case 'B': {
      const key = String(cmd.activation);
      if (!trainers.has(key))
        trainers.set(key, tfTrainer(tf, B, [784, 100, 10], 0.1, cmd.activation as Activation).run);
      const train = trainers.get(key)!;
      return { seconds: seconds(() => train(Number(cmd.steps))) };
    }
    case 'C': {
      const train = trainers.get('C')!;
      return { seconds: seconds(() => train(Number(cmd.steps))) };
    }
    case 'E': {
      if (!trainers.has('E')) trainers.set('E', tfConvTrainer(tf, B).run);
      const train = trainers.get('E')!;
      return { seconds: seconds(() => train(Number(cmd.steps))) };
    }
    case 'A': {
      const key = String(cmd.shape);
      if (gemm?.key !== key) {
        gemm?.dispose(); // one shape at a time
        gemm = { key, ...tfGemm(tf, GEMM_SHAPES[Number(cmd.shape)], Number(cmd.sampleMs)) };
      }
      return { seconds: gemm.sample() };
    }
    default:
      throw new Error(`unknown command ${String(cmd.cmd)}`);
  }
});
