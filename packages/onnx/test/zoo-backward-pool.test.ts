import { Rng, type Tensor, clearBufferPool, onesLike, runBackward, tensor } from '@tapegrad/core';
import { Dropout, MultiheadAttention, type Module, softmaxCrossEntropy } from '@tapegrad/nn';
import { randomInputs } from './helpers/verify';
import { type Architecture, ZOO } from './zoo';

/**
 * The kernels' side of the buffer pool, on the real layers: backward() gives dead gradients and
 * tape-only activations back to the pool as it runs, a targeted pass (runBackward with targets,
 * as grad() uses) never does, so both must give every parameter the same gradient to the bit.
 * Every architecture of the interop table at a batch where its large tensors are pool-sized (the
 * convolutions', pools', BatchNorms', LSTM's, attention's and LayerNorm's), in float32 on the
 * fast kernels; two steps, so that the second runs on the buffers the first gave back. (The
 * engine's side, on random programs: packages/core/test/buffer-pool-programs.test.ts.)
 */
/** 128 images fill conv layers past the pool's minimum; a [B, 10, 32] sequence needs B > 204. */
const batchOf = (arch: Architecture): number => (arch.input.length === 4 ? 128 : 256);

/** Training mode (BatchNorm on batch statistics), but no random masks: Dropout and attention in eval. */
function deterministicTraining(model: Module): void {
  const hasAttention = model.modules().some((m) => m instanceof MultiheadAttention);
  model.train(!hasAttention);
  for (const m of model.modules()) if (m instanceof Dropout) m.eval();
}

/** A scalar of the output that depends on all of it: cross-entropy for logits, else a weighted mean. */
function lossOf(y: Tensor, rng: Rng): Tensor {
  if (y.ndim === 2 && y.shape[1] > 1) {
    const labels = Array.from({ length: y.shape[0] }, () => rng.randint(0, y.shape[1]));
    return softmaxCrossEntropy(y, tensor(labels, { dtype: 'int32' }));
  }
  return y.mul(randomInputs([y.shape], rng, y.dtype, false)[0]).mean();
}

describe.each(ZOO)('$name', (arch: Architecture) => {
  test('backward() gives every parameter the gradient a pass without recycling gives, to the bit', () => {
    clearBufferPool();
    const model = arch.build(new Rng(3));
    deterministicTraining(model);
    const params = model.parameters();
    const rng = new Rng(4);
    for (let step = 0; step < 2; step++) {
      const [x] = randomInputs([[batchOf(arch), ...arch.input.slice(1)]], rng, 'float32', false, [arch.ids]);
      // BatchNorm moves its running statistics on each forward: two forwards per step, from the same state.
      const state = model.stateDict();
      const loss = lossOf(model.forward(x), new Rng(100 + step));
      const want = runBackward([loss], [onesLike(loss)], { targets: params });
      model.loadStateDict(state);
      for (const p of params) p.grad = null;
      lossOf(model.forward(x), new Rng(100 + step)).backward();
      params.forEach((p, i) => {
        // A parameter the loss does not reach has no gradient either way.
        expect(p.grad === null).toBe(want[i] === null);
        if (want[i] === null) return;
        const w = want[i]!.data;
        const g = p.grad!.data;
        let bad = 0;
        for (let k = 0; k < w.length; k++) if (!Object.is(g[k], w[k])) bad++;
        expect({ step, param: i, mismatches: bad }).toEqual({ step, param: i, mismatches: 0 });
      });
    }
  });
});
