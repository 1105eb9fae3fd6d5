import type { Attr } from '../graph-builder';
import { type ConvertContext, type OpMapping, attrsOf } from './context';

/**
 * A window as tapegrad's windowed ops record it: 2-D inside, `[h, w]` per axis, pads
 * `[top, bottom, left, right]`; a 1-D op is a 2-D one over a single row (h = kh = 1).
 */
export interface Window {
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly pads: readonly [number, number, number, number];
}

/**
 * ONNX's window attributes for `spatial` axes: `kernel_shape`, `strides`, `dilations` per axis,
 * and `pads` as all the begins, then all the ends ([top, left, bottom, right] in 2-D).
 */
export function windowAttrs(win: Window, spatial: 1 | 2, withDilations = true): Record<string, Attr> {
  const axes = spatial === 2 ? [0, 1] : [1];
  const attrs: Record<string, Attr> = {
    kernel_shape: { ints: axes.map((a) => win.kernel[a]) },
    strides: { ints: axes.map((a) => win.stride[a]) },
    pads: { ints: [...axes.map((a) => win.pads[2 * a]), ...axes.map((a) => win.pads[2 * a + 1])] },
  };
  if (withDilations) attrs.dilations = { ints: axes.map((a) => win.dilation[a]) };
  return attrs;
}

/** The node's inputs as ONNX names (x, weight and, when there is one, bias). */
const operands = (ctx: ConvertContext): string[] => ctx.node.inputs.map((_, i) => ctx.input(i));

/** conv1d / conv2d: x `[N, C, (H,) W]`, weight `[out, in/groups, (kH,) kW]`, bias `[out]`, as ONNX's. */
function conv(spatial: 1 | 2): OpMapping {
  return {
    onnx: ['Conv'],
    convert: (ctx) => {
      const { win, groups } = attrsOf<{ win: Window; groups: number }>(ctx);
      ctx.emit('Conv', operands(ctx), { ...windowAttrs(win, spatial), group: { int: groups } }, ctx.output);
    },
  };
}

export const conv1d = conv(1);
export const conv2d = conv(2);

/**
 * convTranspose2d: the weight is `[in, out/groups, kH, kW]` in both tapegrad and ONNX; the output
 * extent follows from `pads` and `output_padding` as in PyTorch's formula.
 */
export const convTranspose2d: OpMapping = {
  onnx: ['ConvTranspose'],
  convert: (ctx) => {
    const { win, groups, outputPadding } = attrsOf<{
      win: Window;
      groups: number;
      outputPadding: readonly [number, number];
    }>(ctx);
    ctx.emit(
      'ConvTranspose',
      operands(ctx),
      { ...windowAttrs(win, 2), group: { int: groups }, output_padding: { ints: [...outputPadding] } },
      ctx.output,
    );
  },
};
