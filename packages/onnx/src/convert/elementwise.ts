import type { DType, Tensor } from '@tapegrad/core';
import { ONNX_DTYPE } from '../graph-builder';
import { type ConvertContext, type OpMapping, attrsOf } from './context';

/** An op whose inputs map one to one onto an ONNX op's (elementwise, same shapes). */
function direct(onnx: string): OpMapping {
  return {
    onnx: [onnx],
    convert: (ctx) =>
      ctx.emit(
        onnx,
        ctx.node.inputs.map((_, i) => ctx.input(i)),
        {},
        ctx.output,
      ),
  };
}

export const add = direct('Add');
export const sub = direct('Sub');
export const mul = direct('Mul');
export const div = direct('Div');
export const neg = direct('Neg');
export const clone = direct('Identity');
export const exp = direct('Exp');
export const log = direct('Log');
export const sqrt = direct('Sqrt');
export const abs = direct('Abs');
export const relu = direct('Relu');
export const sigmoid = direct('Sigmoid');
export const tanh = direct('Tanh');
export const sin = direct('Sin');
export const cos = direct('Cos');
export const erf = direct('Erf');
export const maximum = direct('Max');
export const minimum = direct('Min');

export const leakyRelu: OpMapping = {
  onnx: ['LeakyRelu'],
  convert: (ctx) =>
    ctx.emit('LeakyRelu', [ctx.input(0)], { alpha: { float: attrsOf<{ slope: number }>(ctx).slope } }, ctx.output),
};

/** x^c for a number c (one input), or a^b for tensors (two). */
export const pow: OpMapping = {
  onnx: ['Pow'],
  convert: (ctx) => {
    const x = ctx.node.inputs[0];
    const exponent = ctx.node.inputs.length === 1 ? ctx.scalar(attrsOf<{ c: number }>(ctx).c, x.dtype) : ctx.input(1);
    ctx.emit('Pow', [ctx.input(0), exponent], {}, ctx.output);
  },
};

/** An infinite bound is an omitted input (ONNX's optional-input convention: the empty name). */
export const clip: OpMapping = {
  onnx: ['Clip'],
  convert: (ctx) => {
    const { min, max } = attrsOf<{ min: number; max: number }>(ctx);
    const dtype = ctx.node.inputs[0].dtype;
    const bound = (v: number): string => (Number.isFinite(v) ? ctx.scalar(v, dtype) : '');
    ctx.emit('Clip', [ctx.input(0), bound(min), bound(max)], {}, ctx.output);
  },
};

export const astype: OpMapping = {
  onnx: ['Cast'],
  convert: (ctx) =>
    ctx.emit('Cast', [ctx.input(0)], { to: { int: ONNX_DTYPE[attrsOf<{ dtype: DType }>(ctx).dtype] } }, ctx.output),
};

/** The mask is a constant of the node (tapegrad records no comparison), stored as ONNX bool. */
export const where: OpMapping = {
  onnx: ['Where'],
  dynamicAttrs: true,
  convert: (ctx: ConvertContext) => {
    const mask = attrsOf<{ mask: Tensor }>(ctx).mask;
    const twin = (ctx.twin.attrs as { mask: Tensor }).mask;
    const cond = ctx.constant(mask, ctx.outDims(), { bool: true, broadcasts: true, twin });
    ctx.emit('Where', [cond, ctx.input(0), ctx.input(1)], {}, ctx.output);
  },
};
