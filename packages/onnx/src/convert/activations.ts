import { type ConvertContext, type OpMapping, attrsOf } from './context';

/** ONNX's Gelu (with its `approximate` attribute) arrived in opset 20. */
const GELU_OPSET = 20;

/**
 * x·Φ(x): ONNX's Gelu from opset 20; before it, exactly as PyTorch's exporter writes it:
 * `x·½·(1 + erf(x/√2))`, or for the tanh form `x·½·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
 */
export const gelu: OpMapping = {
  onnx: ['Add', 'Erf', 'Gelu', 'Mul', 'Pow', 'Tanh'],
  convert: (ctx) => {
    const { approximate } = attrsOf<{ approximate: 'none' | 'tanh' }>(ctx);
    const x = ctx.input(0);
    if (ctx.opset >= GELU_OPSET) {
      ctx.emit('Gelu', [x], { approximate: { string: approximate } }, ctx.output);
      return;
    }
    const c = (v: number): string => ctx.scalar(v, ctx.node.inputs[0].dtype);
    const inner =
      approximate === 'tanh'
        ? ctx.emit('Tanh', [
            ctx.emit('Mul', [
              ctx.emit('Add', [x, ctx.emit('Mul', [ctx.emit('Pow', [x, c(3)]), c(0.044715)])]),
              c(Math.sqrt(2 / Math.PI)),
            ]),
          ])
        : ctx.emit('Erf', [ctx.emit('Mul', [x, c(Math.SQRT1_2)])]);
    const half = ctx.emit('Mul', [x, c(0.5)]);
    ctx.emit('Mul', [half, ctx.emit('Add', [inner, c(1)])], {}, ctx.output);
  },
};

/** log(1 + e^(βx))/β; ONNX's Softplus is the β = 1 case. Above the threshold tapegrad gives x, which equals it to ~e^-threshold. */
function softplusOf(ctx: ConvertContext, x: string, beta: number, output?: string): string {
  if (beta === 1) return ctx.emit('Softplus', [x], {}, output);
  const b = ctx.scalar(beta, ctx.node.inputs[0].dtype);
  return ctx.emit('Div', [ctx.emit('Softplus', [ctx.emit('Mul', [x, b])]), b], {}, output);
}

export const softplus: OpMapping = {
  onnx: ['Div', 'Mul', 'Softplus'],
  convert: (ctx) => softplusOf(ctx, ctx.input(0), attrsOf<{ beta: number }>(ctx).beta, ctx.output),
};

/** log σ(x) = −softplus(−x). */
export const logSigmoid: OpMapping = {
  onnx: ['Neg', 'Softplus'],
  convert: (ctx) => ctx.emit('Neg', [softplusOf(ctx, ctx.emit('Neg', [ctx.input(0)]), 1)], {}, ctx.output),
};
