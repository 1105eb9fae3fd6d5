import { type ConvertContext, type OpMapping, attrsOf } from './context';

/**
 * ReduceSum (and, from opset 18, ReduceMax/ReduceMin) take the axes as an int64 input; before
 * that ReduceMax/ReduceMin take them as an attribute. An empty axis list reduces nothing
 * (a scalar's sum), which ONNX would read as "all axes": that is an Identity.
 */
function reduction(onnx: string, axesInputFrom: number): OpMapping {
  return {
    onnx: [onnx],
    convert: (ctx) => {
      const { axes, keepdims } = attrsOf<{ axes: number[]; keepdims: boolean }>(ctx);
      reduce(ctx, onnx, axesInputFrom, axes, keepdims, ctx.output);
    },
  };
}

function reduce(
  ctx: ConvertContext,
  onnx: string,
  axesInputFrom: number,
  axes: readonly number[],
  keepdims: boolean,
  output?: string,
): string {
  if (axes.length === 0) return ctx.emit('Identity', [ctx.input(0)], {}, output);
  const keep = { keepdims: { int: keepdims ? 1 : 0 } };
  if (ctx.opset >= axesInputFrom) return ctx.emit(onnx, [ctx.input(0), ctx.int64(axes)], keep, output);
  return ctx.emit(onnx, [ctx.input(0)], { ...keep, axes: { ints: axes } }, output);
}

export const sum = reduction('ReduceSum', 13);
export const max = reduction('ReduceMax', 18);
export const min = reduction('ReduceMin', 18);

/**
 * The adjoint of a broadcast: sums the leading axes and every axis where the target has extent 1,
 * then drops the leading ones.
 */
export const sumTo: OpMapping = {
  onnx: ['ReduceSum', 'Reshape'],
  dynamicAttrs: true,
  convert: (ctx) => {
    const from = ctx.inDims(0);
    const to = ctx.outDims();
    const lead = from.length - to.length;
    const axes = from.flatMap((d, k) => (k < lead || (to[k - lead] === 1 && d !== 1) ? [k] : []));
    if (lead === 0) {
      reduce(ctx, 'ReduceSum', 13, axes, true, ctx.output);
      return;
    }
    ctx.emit('Reshape', [reduce(ctx, 'ReduceSum', 13, axes, true), ctx.shape(to, { infer: true })], {}, ctx.output);
  },
};

function softmaxLike(onnx: string): OpMapping {
  return {
    onnx: [onnx],
    convert: (ctx) =>
      ctx.emit(onnx, [ctx.input(0)], { axis: { int: attrsOf<{ axis: number }>(ctx).axis } }, ctx.output),
  };
}

export const softmax = softmaxLike('Softmax');
export const logSoftmax = softmaxLike('LogSoftmax');
