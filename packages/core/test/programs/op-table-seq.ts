import { Tensor, bmm, embedding, gruCell, lstmCell, lstmSequence, tensor } from '@tapegrad/core';
import type { Choices } from './choices';
import { type OpEntry, shaped } from './op-kit';

/** A recurrent cell's sizes and weights (gates·H rows) mapped from the operands. */
function cellWeights(gates: number, w: Tensor, bsrc: Tensor, c: Choices) {
  const batch = 1 + c.int(2);
  const input = 1 + c.int(3);
  const hidden = 1 + c.int(2);
  const wIh = shaped(w, [gates * hidden, input], c);
  const wHh = shaped(w, [gates * hidden, hidden], c);
  const biases = c.bool() ? [shaped(bsrc, [gates * hidden], c), shaped(bsrc, [gates * hidden], c)] : null;
  const weights = (t: Tensor, u: Tensor): [Tensor, Tensor, Tensor | null, Tensor | null] => [
    wIh(t),
    wHh(t),
    biases && biases[0](u),
    biases && biases[1](u),
  ];
  return { batch, input, hidden, weights };
}

/** bmm, embedding, lstmCell, gruCell, lstmSequence. */
export const SEQ_OPS: readonly OpEntry[] = [
  {
    name: 'bmm',
    arity: 2,
    build: ([a, b], c) => {
      if (a.ndim === 3 && b.ndim === 3 && a.shape[0] === b.shape[0] && a.shape[2] === b.shape[1]) {
        return (x, y) => bmm(x, y);
      }
      const [n, m, k, p] = [1 + c.int(2), 1 + c.int(3), 1 + c.int(3), 1 + c.int(3)];
      const x = shaped(a, [n, m, k], c);
      const y = shaped(b, [n, k, p], c);
      return (s, t) => bmm(x(s), y(t));
    },
  },
  {
    name: 'embedding',
    arity: 1,
    build: ([w], c) => {
      const rows = w.ndim === 2 ? w.shape[0] : 1 + c.int(4);
      const weight = w.ndim === 2 ? (t: Tensor) => t : shaped(w, [rows, 1 + c.int(3)], c);
      const shape = c.pick([[], [2], [2, 3], [1, 2]]);
      const n = shape.reduce((p, d) => p * d, 1);
      const picked = Array.from({ length: n }, () => c.int(rows));
      const indices = tensor(picked, { shape, dtype: 'int32' });
      // paddingIdx's row gets no gradient by definition: only a row the lookup does not use.
      const unused = Array.from({ length: rows }, (_, i) => i).filter((i) => !picked.includes(i));
      const options =
        unused.length > 0 && c.bool() ? { paddingIdx: c.pick(unused) - (c.bool() ? rows : 0) } : undefined;
      return (t) => embedding(indices, weight(t), options);
    },
  },
  {
    name: 'lstmCell',
    arity: 3,
    build: ([a, b, d], c) => {
      const { batch, input, hidden, weights } = cellWeights(4, b, d, c);
      const x = shaped(a, [batch, input], c);
      const state = shaped(d, [2, batch, hidden], c);
      return (s, t, u) => lstmCell(x(s), state(u), ...weights(t, u));
    },
  },
  {
    name: 'gruCell',
    arity: 3,
    build: ([a, b, d], c) => {
      const { batch, input, hidden, weights } = cellWeights(3, b, d, c);
      const x = shaped(a, [batch, input], c);
      const h = shaped(a, [batch, hidden], c);
      return (s, t, u) => gruCell(x(s), h(s), ...weights(t, u));
    },
  },
  {
    name: 'lstmSequence',
    arity: 3,
    build: ([a, b, d], c) => {
      const { batch, input, hidden, weights } = cellWeights(4, b, d, c);
      const x = shaped(a, [1 + c.int(3), batch, input], c);
      const state = shaped(d, [2, batch, hidden], c);
      return (s, t, u) => lstmSequence(x(s), state(u), ...weights(t, u));
    },
  },
];
