import type { Tensor } from './tensor';

const EDGE = 3;
const LIMIT = 1000;

function fmtNumber(v: number, isInt: boolean): string {
  if (isInt || Number.isInteger(v)) return String(v);
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e6)) return v.toExponential(4);
  return String(Number(v.toFixed(4)));
}

/**
 * PyTorch-style text of a tensor, eliding the middle of long axes when it has over 1000 elements.
 */
export function formatTensor(t: Tensor): string {
  const isInt = t.dtype === 'int32';
  const summarise = t.size > LIMIT;
  const { shape, data } = t;
  const render = (axis: number, offset: number, stride: number, indent: string): string => {
    if (axis === shape.length) return fmtNumber(data[offset], isInt);
    const n = shape[axis];
    const inner = n === 0 ? 0 : stride / n;
    const idx: (number | null)[] = [];
    if (summarise && n > 2 * EDGE) {
      for (let i = 0; i < EDGE; i++) idx.push(i);
      idx.push(null);
      for (let i = n - EDGE; i < n; i++) idx.push(i);
    } else for (let i = 0; i < n; i++) idx.push(i);
    const parts = idx.map((i) => (i === null ? '...' : render(axis + 1, offset + i * inner, inner, indent + ' ')));
    const sep =
      axis === shape.length - 1 ? ', ' : ',\n' + '\n'.repeat(Math.max(0, shape.length - axis - 2)) + indent + ' ';
    return '[' + parts.join(sep) + ']';
  };
  const body = render(0, 0, t.size, '       ');
  const extra = [`dtype=${t.dtype}`];
  if (t.requiresGrad) extra.push(t.creator ? `grad_fn=${t.creator.op.name}` : 'requiresGrad=true');
  if (t.size === 0) extra.unshift(`shape=[${shape.join(',')}]`);
  return `tensor(${body}, ${extra.join(', ')})`;
}
