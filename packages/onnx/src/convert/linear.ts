import { type OpMapping, attrsOf } from './context';

/** x·wᵀ + b with w `[out, in]`: Gemm reads wᵀ in place, as tapegrad's kernel does. */
export const linear: OpMapping = {
  onnx: ['Gemm'],
  convert: (ctx) =>
    ctx.emit(
      'Gemm',
      ctx.node.inputs.map((_, i) => ctx.input(i)),
      { transB: { int: 1 } },
      ctx.output,
    ),
};

/**
 * op(a)·op(b) over equal batch dims: Gemm with its transpose flags for matrices, else a
 * Transpose of the last two axes where a flag is set, then MatMul.
 */
export const matmul: OpMapping = {
  onnx: ['Gemm', 'MatMul', 'Transpose'],
  convert: (ctx) => {
    const { transA, transB } = attrsOf<{ transA: boolean; transB: boolean }>(ctx);
    const rank = ctx.node.inputs[0].ndim;
    if (rank === 2) {
      const flags = { transA: { int: transA ? 1 : 0 }, transB: { int: transB ? 1 : 0 } };
      ctx.emit('Gemm', [ctx.input(0), ctx.input(1)], flags, ctx.output);
      return;
    }
    const perm = Array.from({ length: rank }, (_, k) => (k < rank - 2 ? k : 2 * rank - 3 - k));
    const operand = (i: number, t: boolean): string =>
      t ? ctx.emit('Transpose', [ctx.input(i)], { perm: { ints: perm } }) : ctx.input(i);
    ctx.emit('MatMul', [operand(0, transA), operand(1, transB)], {}, ctx.output);
  },
};
