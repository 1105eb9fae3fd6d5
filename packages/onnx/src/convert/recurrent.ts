import { type ConvertContext, type OpMapping } from './context';

/**
 * PyTorch stacks the gates' rows as i, f, g, o (LSTM) and r, z, n (GRU); ONNX as i, o, f, c and
 * z, r, h. The order ONNX wants, as PyTorch's gate numbers.
 */
const LSTM_ORDER = [0, 3, 1, 2];
const GRU_ORDER = [1, 0, 2];

/**
 * Input `i` (a weight `[gates·H, …]` or a bias `[gates·H]`) with its gate blocks reordered for
 * ONNX by a Gather on its rows, once per export: the initializer keeps its state-dict name, and
 * ONNX Runtime folds the Gather into a constant.
 */
function reordered(ctx: ConvertContext, i: number, order: readonly number[], hidden: number): string {
  const name = ctx.input(i);
  return ctx.memo(`reorder:${order.join('')}:${name}`, () => {
    const rows = order.flatMap((gate) => Array.from({ length: hidden }, (_, k) => gate * hidden + k));
    return ctx.emit('Gather', [name, ctx.int64(rows)], { axis: { int: 0 } });
  });
}

/** W, R and B as ONNX's LSTM/GRU take them (one direction: a leading axis of 1). */
function recurrentWeights(ctx: ConvertContext, order: readonly number[], hidden: number): string[] {
  const lead = ctx.int64([0]);
  const w = ctx.memo(`W:${ctx.input(2)}`, () => ctx.emit('Unsqueeze', [reordered(ctx, 2, order, hidden), lead]));
  const r = ctx.memo(`R:${ctx.input(3)}`, () => ctx.emit('Unsqueeze', [reordered(ctx, 3, order, hidden), lead]));
  if (ctx.node.inputs.length < 6) return [w, r, ''];
  const b = ctx.memo(`B:${ctx.input(4)}:${ctx.input(5)}`, () => {
    const both = ctx.emit('Concat', [reordered(ctx, 4, order, hidden), reordered(ctx, 5, order, hidden)], {
      axis: { int: 0 },
    });
    return ctx.emit('Unsqueeze', [both, lead]);
  });
  return [w, r, b];
}

/** ONNX's LSTM over one step: x `[1, B, in]`, h and c `[1, B, H]` → the new h and c, `[1, B, H]` each. */
function lstmStep(ctx: ConvertContext, x: string, h: string, c: string, hidden: number): readonly string[] {
  const [w, r, b] = recurrentWeights(ctx, LSTM_ORDER, hidden);
  const [, hOut, cOut] = ctx.emitOutputs('LSTM', [x, w, r, b, '', h, c], { hidden_size: { int: hidden } }, [
    false,
    true,
    true,
  ]);
  return [hOut, cOut];
}

/** `[k : k + 1]` along `axis` of input `i`. */
function pick(ctx: ConvertContext, i: number, k: number, axis: number): string {
  return ctx.emit('Slice', [ctx.input(i), ctx.int64([k]), ctx.int64([k + 1]), ctx.int64([axis])]);
}

/**
 * One fused LSTM step (inputs x `[B, in]`, the packed state `[2, B, H]` of h and c, the weights
 * in PyTorch's layout) as ONNX's LSTM over a sequence of one: the output packs Y_h and Y_c again.
 */
export const lstmCell: OpMapping = {
  onnx: ['Concat', 'Gather', 'LSTM', 'Slice', 'Unsqueeze'],
  convert: (ctx) => {
    const hidden = ctx.node.inputs[3].shape[1];
    const x = ctx.emit('Unsqueeze', [ctx.input(0), ctx.int64([0])]);
    const [h, c] = lstmStep(ctx, x, pick(ctx, 1, 0, 0), pick(ctx, 1, 1, 0), hidden);
    ctx.emit('Concat', [h, c], { axis: { int: 0 } }, ctx.output);
  },
};

/**
 * A whole LSTM sequence (x `[T, B, in]`, the packed initial state `[2, B, H]`) whose output packs
 * every state, `[2, T + 1, B, H]` (h_0 … h_T, then c_0 … c_T): ONNX's LSTM gives the cell states
 * only at the last step, so the sequence is written as T one-step LSTM nodes (each step's h and
 * c are exact; the time axis is fixed at export, the batch stays dynamic).
 */
export const lstmSequence: OpMapping = {
  onnx: ['Concat', 'Gather', 'LSTM', 'Slice', 'Unsqueeze'],
  convert: (ctx) => {
    const steps = ctx.node.inputs[0].shape[0];
    const hidden = ctx.node.inputs[3].shape[1];
    const hs = [pick(ctx, 1, 0, 0)];
    const cs = [pick(ctx, 1, 1, 0)];
    for (let t = 0; t < steps; t++) {
      const [h, c] = lstmStep(ctx, pick(ctx, 0, t, 0), hs[t], cs[t], hidden);
      hs.push(h);
      cs.push(c);
    }
    const lead = ctx.int64([0]);
    const all = (parts: string[]): string =>
      ctx.emit('Unsqueeze', [ctx.emit('Concat', parts, { axis: { int: 0 } }), lead]);
    ctx.emit('Concat', [all(hs), all(cs)], { axis: { int: 0 } }, ctx.output);
  },
};

/**
 * One fused GRU step (x `[B, in]`, h `[B, H]`) as ONNX's GRU over a sequence of one, with
 * `linear_before_reset` (PyTorch applies the reset gate after the hidden product and its bias).
 */
export const gruCell: OpMapping = {
  onnx: ['Concat', 'GRU', 'Gather', 'Squeeze', 'Unsqueeze'],
  convert: (ctx) => {
    const hidden = ctx.node.inputs[3].shape[1];
    const [w, r, b] = recurrentWeights(ctx, GRU_ORDER, hidden);
    const lead = ctx.int64([0]);
    const x = ctx.emit('Unsqueeze', [ctx.input(0), lead]);
    const h0 = ctx.emit('Unsqueeze', [ctx.input(1), lead]);
    const attrs = { hidden_size: { int: hidden }, linear_before_reset: { int: 1 } };
    const [, h] = ctx.emitOutputs('GRU', [x, w, r, b, '', h0], attrs, [false, true]);
    ctx.emit('Squeeze', [h, lead], {}, ctx.output);
  },
};
