import { full } from '@tapegrad/core';
import { type OpMapping, attrsOf } from './context';

/**
 * batchNorm (the BatchNorm layers in evaluation mode, or the functional op) as ONNX's
 * BatchNormalization in inference mode: the statistics are its `input_mean` and `input_var`
 * (the layers' running buffers, exported under their state-dict names); a missing weight or bias
 * is written as ones or zeros, which ONNX requires.
 */
export const batchNorm: OpMapping = {
  onnx: ['BatchNormalization'],
  convert: (ctx) => {
    const { eps, hasWeight, hasBias } = attrsOf<{ eps: number; hasWeight: boolean; hasBias: boolean }>(ctx);
    const x = ctx.node.inputs[0];
    const c = x.shape[1];
    const filler = (value: number): string => ctx.constant(full([c], value, { dtype: x.dtype }), [c]);
    const scale = hasWeight ? ctx.input(3) : filler(1);
    const shift = hasBias ? ctx.input(hasWeight ? 4 : 3) : filler(0);
    ctx.emit(
      'BatchNormalization',
      [ctx.input(0), scale, shift, ctx.input(1), ctx.input(2)],
      { epsilon: { float: eps } },
      ctx.output,
    );
  },
};
