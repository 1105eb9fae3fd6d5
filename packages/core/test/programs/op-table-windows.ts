import {
  Tensor,
  adaptiveAvgPool2d,
  add,
  avgPool2d,
  batchNorm,
  col2im,
  conv1d,
  conv2d,
  convTranspose2d,
  im2col,
  maxPool2d,
  noGrad,
  pad,
  square,
} from '@tapegrad/core';
import type { Choices } from './choices';
import { type OpEntry, distinct, shaped } from './op-kit';

/** A per-axis option: one number for both axes, or a pair. */
const perAxis = (c: Choices, pair: [number, number]): number | [number, number] =>
  pair[0] === pair[1] && c.bool() ? pair[0] : pair;

/** Window geometry along one axis: kernel, stride, padding, dilation and an input extent the window fits. */
function axisGeometry(c: Choices, maxPad: (k: number) => number) {
  const k = 1 + c.int(3);
  const stride = c.pick([1, 1, 2]);
  const dilation = c.pick([1, 1, 2]);
  const padding = c.int(maxPad(k) + 1);
  const extent = dilation * (k - 1) + 1 + c.int(3);
  return { k, stride, dilation, padding, extent };
}

/** The rows of a 2-d geometry as pairs (axis 0, axis 1). */
function geometry2d(c: Choices, maxPad: (k: number) => number) {
  const [a, b] = [axisGeometry(c, maxPad), axisGeometry(c, maxPad)];
  return {
    kernel: [a.k, b.k] as [number, number],
    stride: [a.stride, b.stride] as [number, number],
    dilation: [a.dilation, b.dilation] as [number, number],
    padding: [a.padding, b.padding] as [number, number],
    extent: [a.extent, b.extent] as [number, number],
  };
}

/** Channels in and out of a grouped convolution. */
function channels(c: Choices) {
  const groups = c.pick([1, 1, 2]);
  return { groups, cin: groups * (1 + c.int(2)), cout: groups * (1 + c.int(2)) };
}

/** The optional bias: from the third operand, or none. */
const biasOf = (d: Tensor, n: number, c: Choices): ((t: Tensor) => Tensor) | null =>
  c.bool() ? shaped(d, [n], c) : null;

/** conv1d, conv2d, convTranspose2d, maxPool2d, avgPool2d, adaptiveAvgPool2d, pad, im2col, col2im, batchNorm. */
export const WINDOW_OPS: readonly OpEntry[] = [
  {
    name: 'conv1d',
    arity: 3,
    build: ([a, b, d], c) => {
      const { groups, cin, cout } = channels(c);
      const g = axisGeometry(c, () => 1);
      const padding = g.stride === 1 && c.int(4) === 0 ? c.pick(['same', 'valid'] as const) : g.padding;
      const batch = c.pick([[1], [2], []]);
      const x = shaped(a, [...batch, cin, g.extent], c);
      const w = shaped(b, [cout, cin / groups, g.k], c);
      const bias = biasOf(d, cout, c);
      const options = { stride: g.stride, padding, dilation: g.dilation, groups };
      return (s, t, u) => conv1d(x(s), w(t), bias && bias(u), options);
    },
  },
  {
    name: 'conv2d',
    arity: 3,
    build: ([a, b, d], c) => {
      const { groups, cin, cout } = channels(c);
      const g = geometry2d(c, () => 1);
      const same = g.stride[0] === 1 && g.stride[1] === 1 && c.int(4) === 0;
      const padding = same ? c.pick(['same', 'valid'] as const) : perAxis(c, g.padding);
      const batch = c.pick([[1], [2], []]);
      const x = shaped(a, [...batch, cin, ...g.extent], c);
      const w = shaped(b, [cout, cin / groups, ...g.kernel], c);
      const bias = biasOf(d, cout, c);
      const options = { stride: perAxis(c, g.stride), padding, dilation: perAxis(c, g.dilation), groups };
      return (s, t, u) => conv2d(x(s), w(t), bias && bias(u), options);
    },
  },
  {
    name: 'convTranspose2d',
    arity: 3,
    build: ([a, b, d], c) => {
      const { groups, cin, cout } = channels(c);
      const g = geometry2d(c, () => 1);
      const outputPadding = g.stride.map((s, i) => c.int(Math.max(s, g.dilation[i]))) as [number, number];
      // The input extent that makes the output at least 1 along each axis.
      const extent = g.kernel.map((k, i) => {
        const out = (h: number): number =>
          (h - 1) * g.stride[i] - 2 * g.padding[i] + g.dilation[i] * (k - 1) + outputPadding[i] + 1;
        let h = 1 + c.int(3);
        while (out(h) < 1) h++;
        return h;
      });
      const x = shaped(a, [1 + c.int(2), cin, ...extent], c);
      const w = shaped(b, [cin, cout / groups, ...g.kernel], c);
      const bias = biasOf(d, cout, c);
      const options = {
        stride: perAxis(c, g.stride),
        padding: perAxis(c, g.padding),
        outputPadding: perAxis(c, outputPadding),
        dilation: perAxis(c, g.dilation),
        groups,
      };
      return (s, t, u) => convTranspose2d(x(s), w(t), bias && bias(u), options);
    },
  },
  {
    name: 'maxPool2d',
    arity: 1,
    build: ([a], c) => {
      const g = geometry2d(c, (k) => k >> 1);
      const x = shaped(a, [c.int(2) + 1, 1 + c.int(2), ...g.extent], c);
      // A tie inside a window is a kink: the image's values must be apart in every plane.
      if (
        !distinct(
          noGrad(() => x(a)),
          2,
        )
      )
        return null;
      const options = c.bool()
        ? { kernelSize: perAxis(c, g.kernel), padding: perAxis(c, g.padding), ceilMode: c.bool() }
        : {
            kernelSize: perAxis(c, g.kernel),
            stride: perAxis(c, g.stride),
            padding: perAxis(c, g.padding),
            dilation: perAxis(c, g.dilation),
            ceilMode: c.bool(),
          };
      try {
        noGrad(() => maxPool2d(x(a), options));
      } catch {
        return null; // a window of the dilated taps covers no element (PyTorch refuses it too)
      }
      return (t) => maxPool2d(x(t), options);
    },
  },
  {
    name: 'avgPool2d',
    arity: 1,
    build: ([a], c) => {
      const g = geometry2d(c, (k) => k >> 1);
      const x = shaped(a, [...c.pick([[1], [2], []]), 1 + c.int(2), ...g.extent], c);
      const options = c.bool()
        ? perAxis(c, g.kernel)
        : {
            kernelSize: perAxis(c, g.kernel),
            stride: perAxis(c, g.stride),
            padding: perAxis(c, g.padding),
            ceilMode: c.bool(),
            countIncludePad: c.bool(),
          };
      return (t) => avgPool2d(x(t), options);
    },
  },
  {
    name: 'adaptiveAvgPool2d',
    arity: 1,
    build: ([a], c) => {
      const extent = [1 + c.int(5), 1 + c.int(5)];
      const x = shaped(a, [...c.pick([[1], [2], []]), 1 + c.int(2), ...extent], c);
      const oh = 1 + c.int(extent[0] + 1);
      const size = c.bool() ? oh : [c.bool() ? null : oh, c.bool() ? null : 1 + c.int(extent[1] + 1)];
      return (t) => adaptiveAvgPool2d(x(t), size);
    },
  },
  {
    name: 'pad',
    arity: 1,
    build: ([x], c) => {
      if (x.ndim === 0) return null;
      const mode = c.pick(['constant', 'reflect', 'replicate'] as const);
      const width = (n: number): number => (mode === 'reflect' ? c.int(n) : c.int(3));
      const options = mode === 'constant' && c.bool() ? { value: c.uniform(-2, 2) } : { mode };
      if (c.bool()) {
        const pairs = x.shape.map((n) => [width(n), width(n)]);
        return (t) => pad(t, pairs, options);
      }
      const flat = x.shape
        .slice(x.ndim - 1 - c.int(x.ndim))
        .reverse()
        .flatMap((n) => [width(n), width(n)]);
      return (t) => pad(t, flat, options);
    },
  },
  {
    name: 'im2col',
    arity: 1,
    build: ([a], c) => {
      const g = geometry2d(c, () => 1);
      const x = shaped(a, [1 + c.int(2), 1 + c.int(2), ...g.extent], c);
      const options = {
        stride: perAxis(c, g.stride),
        padding: perAxis(c, g.padding),
        dilation: perAxis(c, g.dilation),
      };
      return (t) => im2col(x(t), perAxis(c, g.kernel), options);
    },
  },
  {
    name: 'col2im',
    arity: 1,
    build: ([a], c) => {
      const g = geometry2d(c, () => 1);
      const positions = g.extent.map(
        (h, i) => Math.floor((h + 2 * g.padding[i] - g.dilation[i] * (g.kernel[i] - 1) - 1) / g.stride[i]) + 1,
      );
      const rows = (1 + c.int(2)) * g.kernel[0] * g.kernel[1];
      const cols = shaped(a, [1 + c.int(2), rows, positions[0] * positions[1]], c);
      const options = {
        stride: perAxis(c, g.stride),
        padding: perAxis(c, g.padding),
        dilation: perAxis(c, g.dilation),
      };
      return (t) => col2im(cols(t), perAxis(c, g.extent), perAxis(c, g.kernel), options);
    },
  },
  {
    name: 'batchNorm',
    arity: 3,
    build: ([a, b, d], c) => {
      const ch = 1 + c.int(3);
      const x = shaped(a, [1 + c.int(2), ch, ...[[], [2], [2, 2]][c.int(3)]], c);
      const mean = shaped(b, [ch], c);
      const v = shaped(d, [ch], c);
      // The variance operand stays positive (≥ 0.5).
      const variance = (t: Tensor): Tensor => add(square(v(t)), 0.5);
      const weight = c.bool() ? shaped(b, [ch], c) : null;
      const bias = c.bool() ? shaped(d, [ch], c) : null;
      const eps = c.pick([1e-5, 0.1]);
      return (s, t, u) => batchNorm(x(s), mean(t), variance(u), weight && weight(t), bias && bias(u), { eps });
    },
  },
];
