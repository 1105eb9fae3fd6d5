import { UnsupportedOpError } from '../errors';
import { type OpMapping, attrsOf } from './context';
import { type Window, windowAttrs } from './conv';

/** Max pooling: −∞ padding and PyTorch's ceil-mode rule are ONNX's too. */
export const maxPool2d: OpMapping = {
  onnx: ['MaxPool'],
  convert: (ctx) => {
    const { win, ceilMode } = attrsOf<{ win: Window; ceilMode: boolean }>(ctx);
    ctx.emit('MaxPool', [ctx.input(0)], { ...windowAttrs(win, 2), ceil_mode: { int: ceilMode ? 1 : 0 } }, ctx.output);
  },
};

/** What avgPool2d records of its call (its windows hold the batch, so they are not compared). */
interface AvgPoolCall {
  kernelSize: readonly [number, number];
  stride: readonly [number, number];
  padding: readonly [number, number];
  ceilMode: boolean;
  countIncludePad: boolean;
}

/** Average pooling with PyTorch's divisor rules as ONNX's `count_include_pad`. */
export const avgPool2d: OpMapping = {
  onnx: ['AveragePool'],
  dynamicAttrs: true,
  convert: (ctx) => {
    const o = attrsOf<{ options: AvgPoolCall }>(ctx).options;
    const [ph, pw] = o.padding;
    const win: Window = { kernel: o.kernelSize, stride: o.stride, dilation: [1, 1], pads: [ph, ph, pw, pw] };
    ctx.emit(
      'AveragePool',
      [ctx.input(0)],
      {
        ...windowAttrs(win, 2, false),
        ceil_mode: { int: o.ceilMode ? 1 : 0 },
        count_include_pad: { int: o.countIncludePad ? 1 : 0 },
      },
      ctx.output,
    );
  },
};

/**
 * Adaptive average pooling: to 1×1 it is GlobalAveragePool (for any input extent); to a size
 * that divides the input's, an AveragePool whose kernel and stride are the quotient. Other sizes
 * have uneven windows that no single ONNX op computes (PyTorch's exporter refuses them too).
 */
export const adaptiveAvgPool2d: OpMapping = {
  onnx: ['GlobalAveragePool', 'AveragePool'],
  dynamicAttrs: true,
  convert: (ctx) => {
    const [oh, ow] = attrsOf<{ options: { outputSize: readonly [number, number] } }>(ctx).options.outputSize;
    if (oh === 1 && ow === 1) {
      ctx.emit('GlobalAveragePool', [ctx.input(0)], {}, ctx.output);
      return;
    }
    const [, , h, w] = ctx.inDims(0);
    if (typeof h !== 'number' || typeof w !== 'number') {
      return ctx.fail(`adaptive average pooling to ${oh}×${ow} needs static spatial extents, got ${h}×${w}`);
    }
    if (h % oh !== 0 || w % ow !== 0) {
      throw new UnsupportedOpError(
        `exportOnnx: adaptiveAvgPool2d from ${h}×${w} to ${oh}×${ow} has windows of uneven size, which no ONNX op ` +
          `computes; use an output size that divides the input's (or 1, GlobalAveragePool)`,
        'adaptiveAvgPool2d',
      );
    }
    const k: [number, number] = [h / oh, w / ow];
    const win: Window = { kernel: k, stride: k, dilation: [1, 1], pads: [0, 0, 0, 0] };
    ctx.emit('AveragePool', [ctx.input(0)], windowAttrs(win, 2, false), ctx.output);
  },
};
