import { DataType } from '../onnx-types';
import { type OpMapping, attrsOf } from './context';

/** Rows of the weight at int32 ids, which are an input of the node (a graph input, usually). */
export const embedding: OpMapping = {
  onnx: ['Gather'],
  convert: (ctx) => ctx.emit('Gather', [ctx.input(0), ctx.input(1)], { axis: { int: 0 } }, ctx.output),
};

/** Running sums; `reverse` (the rule of a rule) sums from the other end. */
export const cumsum: OpMapping = {
  onnx: ['CumSum'],
  convert: (ctx) => {
    const { axis, reverse } = attrsOf<{ axis: number; reverse: boolean }>(ctx);
    ctx.emit('CumSum', [ctx.input(0), ctx.scalar(axis, 'int32')], { reverse: { int: reverse ? 1 : 0 } }, ctx.output);
  },
};

/** triu / tril of the last two axes. */
export const triangle: OpMapping = {
  onnx: ['Trilu'],
  convert: (ctx) => {
    const { diagonal, upper } = attrsOf<{ diagonal: number; upper: boolean }>(ctx);
    ctx.emit('Trilu', [ctx.input(0), ctx.int64Scalar(diagonal)], { upper: { int: upper ? 1 : 0 } }, ctx.output);
  },
};

/** x with `value` where the mask (an input of the node, any dtype) is non-zero: Where on the mask cast to bool. */
export const maskedFill: OpMapping = {
  onnx: ['Cast', 'Where'],
  convert: (ctx) => {
    const { value } = attrsOf<{ value: number }>(ctx);
    const cond = ctx.emit('Cast', [ctx.input(1)], { to: { int: DataType.BOOL } });
    ctx.emit('Where', [cond, ctx.scalar(value, ctx.node.inputs[0].dtype), ctx.input(0)], {}, ctx.output);
  },
};
