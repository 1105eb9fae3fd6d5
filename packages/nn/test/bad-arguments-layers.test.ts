import { Rng, ShapeError, ValueError, zeros } from '@tapegrad/core';
import {
  Flatten,
  LSTM,
  ModuleDict,
  TransformerDecoderLayer,
  TransformerEncoderLayer,
  scaledDotProductAttention,
} from '@tapegrad/nn';

// #18's bad-input suite over the layers of #15/#16 (test/bad-input/suites/nn-layers.ts) found
// these; one regression test each.

test('LSTM.forward(x, h0) with a lone tensor as the state is a ValueError (it was silently ignored)', () => {
  const lstm = new LSTM(2, 3, { rng: new Rng(0) });
  const h0 = zeros([1, 2, 3]).add(1);
  expect(() => lstm.forward(zeros([4, 2, 2]), h0 as never)).toThrow(ValueError);
  expect(() => lstm.forward(zeros([4, 2, 2]), h0 as never)).toThrow(/LSTM.forward: state must be \[h0, c0\]/);
  // The pair form still works, and uses the state.
  const [withState] = lstm.forward(zeros([4, 2, 2]), [h0, null]);
  const [without] = lstm.forward(zeros([4, 2, 2]));
  expect(Array.from(withState.data)).not.toEqual(Array.from(without.data));
});

test("TransformerEncoderLayer.forward names itself and src for a src of the wrong width (it named the attention's query)", () => {
  const layer = new TransformerEncoderLayer(4, 2, { rng: new Rng(0), dimFeedforward: 8 });
  expect(() => layer.forward(zeros([3, 2, 5]))).toThrow(ShapeError);
  expect(() => layer.forward(zeros([3, 2, 5]))).toThrow(/TransformerEncoderLayer.forward: src must end in dModel = 4/);
  expect(() => layer.forward(zeros([3, 2, 4]), { srcMask: 5 as never })).toThrow(
    /TransformerEncoderLayer.forward: srcMask must be a Tensor/,
  );
});

test('TransformerDecoderLayer.forward names memory when it is not a tensor', () => {
  const layer = new TransformerDecoderLayer(4, 2, { rng: new Rng(0), dimFeedforward: 8 });
  expect(() => layer.forward(zeros([3, 2, 4]), 5 as never)).toThrow(
    /TransformerDecoderLayer.forward: memory must be a Tensor/,
  );
});

test("scaledDotProductAttention checks v's batch axes (it was matmul's error)", () => {
  expect(() => scaledDotProductAttention(zeros([2, 3, 4]), zeros([2, 5, 4]), zeros([3, 5, 6]))).toThrow(
    /scaledDotProductAttention: the batch axes of q \[2,3,4\], k \[2,5,4\] and v \[3,5,6\] do not broadcast/,
  );
});

test('ModuleDict with an entry that is not a [key, module] pair is a ValueError (it was a raw TypeError)', () => {
  expect(() => new ModuleDict([5] as never)).toThrow(ValueError);
  expect(() => new ModuleDict([5] as never)).toThrow(/ModuleDict: modules must be an object or \[key, module\] pairs/);
  expect(new ModuleDict([['a', new Flatten()]]).size).toBe(1);
});
