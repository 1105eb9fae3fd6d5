import { Tensor, type SliceSpec } from '@tapegrad/core';
import type { Dim } from '../dims';
import { type OpMapping, attrsOf } from './context';

/** ONNX Slice's "to the end" and "before the start" for axes of unknown extent. */
const INT_MAX = 2 ** 31 - 1;
const INT_MIN = -(2 ** 31);

/** Whether a reshape keeps axis 0 and joins all the others: `x.flatten(1)`, nn's Flatten. */
function flattensFromAxis1(inDims: readonly Dim[], out: readonly Dim[]): boolean {
  if (out.length !== 2 || inDims.length < 2 || out[0] === null || out[0] !== inDims[0]) return false;
  const rest = inDims.slice(1);
  return rest.every((d) => typeof d === 'number') && (rest as number[]).reduce((a, b) => a * b, 1) === out[1];
}

/**
 * The target shape comes from the output's extents: 0 copies an input extent, −1 infers one.
 * Joining every axis after the first (a Flatten layer) is ONNX's Flatten, as PyTorch exports it.
 */
export const reshape: OpMapping = {
  onnx: ['Reshape', 'Flatten'],
  dynamicAttrs: true,
  convert: (ctx) => {
    const out = ctx.outDims();
    if (flattensFromAxis1(ctx.inDims(0), out)) {
      ctx.emit('Flatten', [ctx.input(0)], { axis: { int: 1 } }, ctx.output);
      return;
    }
    // With a zero extent in the target, 0 would mean "copy": write it literally (allowzero).
    if (out.includes(0)) {
      ctx.emit('Reshape', [ctx.input(0), ctx.shape(out)], { allowzero: { int: 1 } }, ctx.output);
      return;
    }
    ctx.emit('Reshape', [ctx.input(0), ctx.shape(out, { infer: true, copyFrom: ctx.inDims(0) })], {}, ctx.output);
  },
};

export const transpose: OpMapping = {
  onnx: ['Transpose'],
  convert: (ctx) =>
    ctx.emit('Transpose', [ctx.input(0)], { perm: { ints: attrsOf<{ axes: number[] }>(ctx).axes } }, ctx.output),
};

/** Broadcasts not folded into a consumer that broadcasts by itself (see `foldBroadcasts`). */
export const broadcastTo: OpMapping = {
  onnx: ['Expand'],
  dynamicAttrs: true,
  convert: (ctx) => ctx.emit('Expand', [ctx.input(0), ctx.shape(ctx.outDims())], {}, ctx.output),
};

export const concat: OpMapping = {
  onnx: ['Concat'],
  convert: (ctx) =>
    ctx.emit(
      'Concat',
      ctx.node.inputs.map((_, i) => ctx.input(i)),
      { axis: { int: attrsOf<{ axis: number }>(ctx).axis } },
      ctx.output,
    ),
};

/**
 * Python-style slices as ONNX Slice (which clamps and counts negatives the same way); an integer
 * index is a one-element slice whose axis Squeeze then drops.
 */
export const slice: OpMapping = {
  onnx: ['Slice', 'Squeeze'],
  convert: (ctx) => {
    const { specs } = attrsOf<{ specs: readonly SliceSpec[] }>(ctx);
    const starts: number[] = [];
    const ends: number[] = [];
    const axes: number[] = [];
    const steps: number[] = [];
    const dropped: number[] = [];
    specs.forEach((spec, axis) => {
      if (spec === null) return;
      if (typeof spec === 'number') {
        starts.push(spec);
        ends.push(spec === -1 ? INT_MAX : spec + 1);
        dropped.push(axis);
        steps.push(1);
        axes.push(axis);
        return;
      }
      const [start = null, stop = null, step = null] = spec;
      const s = step ?? 1;
      if (start === null && stop === null && s === 1) return;
      starts.push(start ?? (s > 0 ? 0 : INT_MAX));
      ends.push(stop ?? (s > 0 ? INT_MAX : INT_MIN));
      steps.push(s);
      axes.push(axis);
    });
    if (axes.length === 0) {
      ctx.emit('Identity', [ctx.input(0)], {}, ctx.output);
      return;
    }
    const ins = [ctx.input(0), ctx.int64(starts), ctx.int64(ends), ctx.int64(axes), ctx.int64(steps)];
    if (dropped.length === 0) {
      ctx.emit('Slice', ins, {}, ctx.output);
      return;
    }
    ctx.emit('Squeeze', [ctx.emit('Slice', ins), ctx.int64(dropped)], {}, ctx.output);
  },
};

/** The indices are constants of the node (non-negative, checked), stored as an int32 initializer. */
export const gather: OpMapping = {
  onnx: ['Gather'],
  convert: (ctx) => {
    const { axis, idx, idxShape } = attrsOf<{ axis: number; idx: Int32Array; idxShape: readonly number[] }>(ctx);
    const indices = ctx.constant(new Tensor(idx, idxShape), idxShape);
    ctx.emit('Gather', [ctx.input(0), indices], { axis: { int: axis } }, ctx.output);
  },
};

/** np.repeat along an axis: a new axis after it, expanded to `repeats`, merged back. */
export const repeat: OpMapping = {
  onnx: ['Unsqueeze', 'Expand', 'Reshape'],
  convert: (ctx) => {
    const { repeats, axis } = attrsOf<{ repeats: number; axis: number }>(ctx);
    const rank = ctx.node.inputs[0].ndim;
    const lifted = ctx.emit('Unsqueeze', [ctx.input(0), ctx.int64([axis + 1])]);
    const tiles = Array.from({ length: rank + 1 }, (_, k) => (k === axis + 1 ? repeats : 1));
    const expanded = ctx.emit('Expand', [lifted, ctx.int64(tiles)]);
    const copyFrom = ctx.inDims(0).slice(0, axis); // the axes before the repeated one keep their place
    ctx.emit('Reshape', [expanded, ctx.shape(ctx.outDims(), { infer: true, copyFrom })], {}, ctx.output);
  },
};

/** ONNX Pad's mode for each of tapegrad's (`replicate` repeats the edge: ONNX's `edge`). */
const PAD_MODE = { constant: 'constant', reflect: 'reflect', replicate: 'edge' } as const;

/**
 * Constant, reflect and replicate padding as ONNX Pad, its widths as an int64 input (all the
 * begins, then all the ends). The recorded source maps hold extents (so they may change with a
 * dynamic axis); ONNX Pad needs only the widths.
 */
export const pad: OpMapping = {
  onnx: ['Pad'],
  dynamicAttrs: true,
  convert: (ctx) => {
    const { widths, mode, value } = attrsOf<{
      widths: readonly (readonly [number, number])[];
      mode: keyof typeof PAD_MODE;
      value: number;
    }>(ctx);
    const pads = ctx.int64([...widths.map(([before]) => before), ...widths.map(([, after]) => after)]);
    const inputs = [ctx.input(0), pads];
    if (mode === 'constant') inputs.push(ctx.scalar(value, ctx.node.inputs[0].dtype));
    ctx.emit('Pad', inputs, { mode: { string: PAD_MODE[mode] } }, ctx.output);
  },
};
