import {
  type SliceSpec,
  abs,
  add,
  broadcastShapes,
  broadcastTo,
  clip,
  clone,
  concat,
  div,
  dot,
  exp,
  expandDims,
  flatten,
  gather,
  leakyRelu,
  linear,
  log,
  logSoftmax,
  logSumExp,
  matmul,
  matmulT,
  max,
  mean,
  min,
  mul,
  neg,
  noGrad,
  pow,
  relu,
  repeat,
  reshape,
  sigmoid,
  slice,
  softmax,
  sqrt,
  square,
  squeeze,
  stack,
  sub,
  sum,
  sumTo,
  tanh,
  tensor,
  transpose,
  where,
} from '@tapegrad/core';
import { clearOf, within } from './choices';
import { type OpEntry, awayFromZero, binary, broadcasts, matrix, reduction, shaped, unary } from './op-kit';
import { SEQ_OPS } from './op-table-seq';
import { SMOOTH_OPS } from './op-table-smooth';
import { WINDOW_OPS } from './op-table-windows';

const EXPONENTS = [0, 1, 2, 3, -1, -2, 0.5, 1.5];

/** Every public differentiable op, with the composites users reach through methods. */
export const OPS: readonly OpEntry[] = [
  unary('neg', neg),
  unary('clone', clone),
  unary('exp', exp, (x) => within(x, -5, 3)),
  unary('log', log, (x) => within(x, 0.2, Infinity)),
  unary('sqrt', sqrt, (x) => within(x, 0.2, Infinity)),
  unary('abs', abs, (x) => clearOf(x, [0])),
  unary('square', square),
  unary('sigmoid', sigmoid),
  unary('tanh', tanh),
  unary('relu', relu, (x) => clearOf(x, [0])),
  {
    name: 'leakyRelu',
    arity: 1,
    build: ([x], c) => {
      const slope = c.pick([0.01, 0.2, 1.5]);
      return clearOf(x, [0]) ? (t) => leakyRelu(t, slope) : null;
    },
  },
  {
    name: 'clip',
    arity: 1,
    build: ([x], c) => {
      const lo = c.pick([-Infinity, -1, -0.3, 0]);
      const hi = lo + c.pick([0.4, 1, 2, Infinity]);
      return clearOf(x, [lo, hi]) ? (t) => clip(t, lo, hi) : null;
    },
  },
  {
    name: 'pow(x, k)',
    arity: 1,
    build: ([x], c) => {
      const k = c.pick(EXPONENTS);
      const ok = Number.isInteger(k) ? k >= 0 || awayFromZero(x) : within(x, 0.2, Infinity);
      return ok ? (t) => pow(t, k) : null;
    },
  },
  binary('add', add),
  binary('sub', sub),
  binary('mul', mul),
  binary('div', div, (b) => awayFromZero(b)),
  {
    name: 'pow(a, b)',
    arity: 2,
    build: ([a, b]) => (broadcasts(a, b) && within(a, 0.2, Infinity) && within(b, -2, 2) ? (x, y) => pow(x, y) : null),
  },
  {
    name: 'where',
    arity: 2,
    build: ([a, b], c) => {
      if (!broadcasts(a, b)) return null;
      const shape = broadcastShapes('where', a.shape, b.shape);
      const cond = tensor(
        Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => c.int(2)),
        { shape, dtype: 'int32' },
      );
      return c.bool() ? (x, y) => where(cond, x, y) : (x) => where(cond, x, 0.5);
    },
  },
  reduction('sum', sum),
  reduction('mean', mean),
  reduction('max', max, 'max'),
  reduction('min', min, 'min'),
  reduction('logSumExp', logSumExp),
  {
    name: 'softmax',
    arity: 1,
    build: ([x], c) => {
      const axis = c.axis(x.ndim);
      return (t) => softmax(t, axis);
    },
  },
  {
    name: 'logSoftmax',
    arity: 1,
    build: ([x], c) => {
      const axis = c.axis(x.ndim);
      return (t) => logSoftmax(t, axis);
    },
  },
  {
    name: 'matmul',
    arity: 2,
    build: ([a, b], c) => {
      const inner = b.ndim === 1 ? b.shape[0] : b.shape[b.ndim - 2];
      if (a.ndim > 0 && b.ndim > 0 && a.shape[a.ndim - 1] === inner) {
        try {
          noGrad(() => matmul(a, b));
          return (x, y) => matmul(x, y);
        } catch {
          // batch axes that do not broadcast: mapped below
        }
      }
      // Otherwise operands mapped onto shapes that fit: vectors, matrices, broadcast batches.
      const [m, k, n] = [1 + c.int(3), 1 + c.int(3), 1 + c.int(3)];
      const [sa, sb] = c.pick([
        [[k], [k]],
        [[m, k], [k]],
        [[k], [k, n]],
        [
          [m, k],
          [k, n],
        ],
        [
          [2, m, k],
          [k, n],
        ],
        [
          [m, k],
          [2, k, n],
        ],
        [
          [2, 1, m, k],
          [3, k, n],
        ],
      ]);
      const x = shaped(a, sa, c);
      const y = shaped(b, sb, c);
      return (s, t) => matmul(x(s), y(t));
    },
  },
  {
    name: 'matmulT',
    arity: 2,
    build: ([a, b], c) => {
      // b where some flags fit it, else a with itself (a·aᵀ or aᵀ·a), as a matrix.
      const flags = c.permutation(4).map((k) => [k >= 2, k % 2 === 1] as const);
      const fit = flags.find(([ta, tb]) => a.ndim === 2 && b.ndim === 2 && a.shape[ta ? 0 : 1] === b.shape[tb ? 1 : 0]);
      if (fit) return (x, y) => matmulT(x, y, fit[0], fit[1]);
      const ta = c.bool();
      return (x) => matmulT(matrix(x), matrix(x), ta, !ta);
    },
  },
  {
    name: 'dot',
    arity: 2,
    build: ([a, b]) =>
      a.ndim === 1 && b.ndim === 1 && a.size === b.size ? (x, y) => dot(x, y) : (x) => dot(flatten(x), flatten(x)),
  },
  {
    name: 'linear',
    arity: 3,
    build: ([x, w, b], c) => {
      // w from the operands when it fits, else x itself ([N, in] as [out, in]), as a matrix.
      const ownW = x.ndim === 2 && w.ndim === 2 && w.shape[1] === x.shape[1];
      const out = ownW ? w.shape[0] : matrix(x).shape[0];
      const bias = b.ndim === 1 && b.shape[0] === out && c.bool();
      if (ownW) return bias ? (s, t, u) => linear(s, t, u) : (s, t) => linear(s, t);
      return bias ? (s, _t, u) => linear(matrix(s), matrix(s), u) : (s) => linear(matrix(s), matrix(s));
    },
  },
  {
    name: 'reshape',
    arity: 1,
    build: ([x], c) => {
      const shape = c.pick([[x.size], [...x.shape].reverse(), [1, ...x.shape], [-1]]);
      return (t) => reshape(t, shape);
    },
  },
  {
    name: 'flatten',
    arity: 1,
    build: ([x], c) => {
      const start = c.int(Math.max(x.ndim, 1));
      return (t) => flatten(t, start);
    },
  },
  {
    name: 'transpose',
    arity: 1,
    build: ([x], c) => {
      const perm = c.bool() ? undefined : c.permutation(x.ndim);
      return (t) => transpose(t, perm);
    },
  },
  {
    name: 'expandDims',
    arity: 1,
    build: ([x], c) => {
      const axis = c.axis(x.ndim + 1);
      return (t) => expandDims(t, axis);
    },
  },
  {
    name: 'squeeze',
    arity: 1,
    build: ([x], c) => {
      const ones = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
      const axis = ones.length > 0 && c.bool() ? c.pick(ones) : undefined;
      return (t) => squeeze(t, axis);
    },
  },
  {
    name: 'broadcastTo',
    arity: 1,
    build: ([x], c) => {
      const shape = [2, ...x.shape.map((d) => (d === 1 ? c.pick([1, 2, 3]) : d))];
      return (t) => broadcastTo(t, shape);
    },
  },
  {
    name: 'sumTo',
    arity: 1,
    build: ([x], c) => {
      if (x.ndim === 0) return null;
      const drop = c.int(x.ndim + 1);
      const shape = x.shape.slice(drop).map((d) => (c.bool() ? 1 : d));
      return (t) => sumTo(t, shape);
    },
  },
  {
    name: 'repeat',
    arity: 1,
    build: ([x], c) => {
      const repeats = 1 + c.int(2);
      const axis = c.bool() ? null : c.axis(x.ndim);
      return (t) => repeat(t, repeats, axis);
    },
  },
  {
    name: 'slice',
    arity: 1,
    build: ([x], c) => {
      if (x.ndim === 0) return null;
      const specs: SliceSpec[] = x.shape.slice(0, 1 + c.int(x.ndim)).map((n) => {
        const kind = c.int(3);
        if (kind === 0) return null;
        if (kind === 1) return c.int(n) - (c.bool() ? n : 0);
        const step = c.pick([1, 2, -1, -2]);
        return [c.bool() ? null : c.int(n), c.bool() ? null : c.int(n + 1), step] as const;
      });
      return noGrad(() => slice(x, specs)).size === 0 ? null : (t) => slice(t, specs);
    },
  },
  {
    name: 'gather',
    arity: 1,
    build: ([x], c) => {
      const axis = c.axis(x.ndim);
      const n = x.ndim === 0 ? 1 : x.shape[axis < 0 ? axis + x.ndim : axis];
      const idx = Array.from({ length: 1 + c.int(4) }, () => c.int(n) - (c.bool() ? n : 0));
      return (t) => gather(t, idx, axis);
    },
  },
  {
    name: 'concat',
    arity: 2,
    build: ([a, b], c) => {
      if (a.ndim === 0) return null;
      const axis = c.axis(a.ndim);
      const k = axis < 0 ? axis + a.ndim : axis;
      // Operands that do not fit together (most pairs) still take part: y through a scalar.
      if (a.ndim !== b.ndim || a.shape.some((d, i) => i !== k && d !== b.shape[i]))
        return (x, y) => concat([x, x.mul(sum(y))], axis);
      return (x, y) => concat([x, y], axis);
    },
  },
  {
    name: 'stack',
    arity: 2,
    build: ([a, b], c) => {
      if (a.ndim !== b.ndim || a.shape.some((d, i) => d !== b.shape[i])) return null;
      const axis = c.axis(a.ndim + 1);
      return (x, y) => stack([x, y], axis);
    },
  },
  ...SMOOTH_OPS,
  ...WINDOW_OPS,
  ...SEQ_OPS,
];
