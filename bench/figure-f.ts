/**
 * Figure F of `npm run bench`: one epoch of the addition seq2seq (bench/seq2seq.ts), tapegrad
 * taking turns with NumPy written the book's way (bench/numpy_seq2seq.py, in the NumPy peer) and
 * with PyTorch on one thread (bench/torch_seq2seq_peer.py, in a process of its own, started with
 * Debian's python3, which has torch). All three train on the same problems (generated here,
 * seeded, written to files) in the same batch order.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Peer } from './peer';
import type { Contender } from './rounds';
import { additionProblems, BATCH, EMBED, EPOCH_STEPS, HIDDEN, VOCAB } from './seq2seq';

/** Steps an F run times: whole epochs for tapegrad and PyTorch; NumPy fewer, scaled to an epoch. */
export function fSteps(quick: boolean): { full: number; numpy: number; warm: number } {
  return quick ? { full: 30, numpy: 10, warm: 10 } : { full: EPOCH_STEPS, numpy: 60, warm: 40 };
}

/** The Python that has torch (Debian's; the python3 first on PATH may not). */
export const TORCH_PYTHON = process.env.TAPEGRAD_PYTHON ?? '/usr/bin/python3';

/**
 * Writes the problems as int32 files into `dir`; returns what the Python peers are initialised
 * with (paths, sizes, the batch order).
 */
export function writeFigureF(dir: string): Record<string, unknown> {
  const data = additionProblems();
  const questionsPath = path.join(dir, 'questions.i32');
  const answersPath = path.join(dir, 'answers.i32');
  const bytes = (a: Int32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  fs.writeFileSync(questionsPath, bytes(data.questions));
  fs.writeFileSync(answersPath, bytes(data.answers));
  const perm = data.batches.flatMap((b) => Array.from(b));
  return {
    questionsPath,
    answersPath,
    n: data.n,
    perm,
    batch: BATCH,
    vocab: VOCAB.length,
    embed: EMBED,
    hidden: HIDDEN,
  };
}

/** Starts the PyTorch peer (one thread), or says why it cannot run. */
export function startTorchPeer(cfg: Record<string, unknown>): ReturnType<typeof Peer.start> {
  return Peer.start(
    'PyTorch peer',
    TORCH_PYTHON,
    [path.join(__dirname, 'torch_seq2seq_peer.py')],
    { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    { F: cfg },
  );
}

/** One contender of F: `steps` of training a run, reported as seconds per epoch. */
export function fContender(key: string, peer: Peer, steps: number, warm: number, extra: object = {}): Contender {
  return {
    key,
    run: async () => ((await peer.seconds({ cmd: 'F', steps, ...extra })) / steps) * EPOCH_STEPS,
    warm: () => peer.seconds({ cmd: 'F', steps: warm, ...extra }),
  };
}
