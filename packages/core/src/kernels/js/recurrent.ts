import type { KernelBackend } from '../backend';

/**
 * The reference recurrent-cell kernels (see kernels/recurrent.ts for the records). Each row of
 * the batch is independent; gate blocks sit side by side in a row, in PyTorch's order.
 */

const sigmoid = (x: number): number => {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
};

export const lstmCell: KernelBackend['lstmCell'] = (a) => {
  const { xw, hw, bIh, bHh, c, batch, hidden: H, hOut, cOut, acts } = a;
  for (let b = 0; b < batch; b++) {
    const g = b * 4 * H;
    const x = a.xwOff + g;
    const s = b * H;
    const t = a.actsOff + b * 5 * H;
    for (let j = 0; j < H; j++) {
      const pre = (k: number): number =>
        xw[x + k * H + j] + hw[g + k * H + j] + (bIh ? bIh[k * H + j] : 0) + (bHh ? bHh[k * H + j] : 0);
      const i = sigmoid(pre(0));
      const f = sigmoid(pre(1));
      const gg = Math.tanh(pre(2));
      const o = sigmoid(pre(3));
      const cNew = f * c[a.cOff + s + j] + i * gg;
      const tc = Math.tanh(cNew);
      hOut[a.hOutOff + s + j] = o * tc;
      cOut[a.cOutOff + s + j] = cNew;
      acts[t + j] = i;
      acts[t + H + j] = f;
      acts[t + 2 * H + j] = gg;
      acts[t + 3 * H + j] = o;
      acts[t + 4 * H + j] = tc;
    }
  }
};

export const lstmCellBackward: KernelBackend['lstmCellBackward'] = (a) => {
  const { gh, gc, acts, c, batch, hidden: H, gGates, gcPrev } = a;
  for (let b = 0; b < batch; b++) {
    const g = a.gGatesOff + b * 4 * H;
    const t = a.actsOff + b * 5 * H;
    const s = b * H;
    for (let j = 0; j < H; j++) {
      const i = acts[t + j];
      const f = acts[t + H + j];
      const gg = acts[t + 2 * H + j];
      const o = acts[t + 3 * H + j];
      const tc = acts[t + 4 * H + j];
      const dh = gh[a.ghOff + s + j];
      const dc = gc[a.gcOff + s + j] + dh * o * (1 - tc * tc);
      gGates[g + j] = dc * gg * i * (1 - i);
      gGates[g + H + j] = dc * c[a.cOff + s + j] * f * (1 - f);
      gGates[g + 2 * H + j] = dc * i * (1 - gg * gg);
      gGates[g + 3 * H + j] = dh * tc * o * (1 - o);
      gcPrev[a.gcPrevOff + s + j] = dc * f;
    }
  }
};

export const gruCell: KernelBackend['gruCell'] = ({ xw, hw, bIh, bHh, h, batch, hidden, out, acts }) => {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const g = b * 3 * H;
    const a = b * 4 * H;
    const s = b * H;
    for (let j = 0; j < H; j++) {
      const x = (k: number): number => xw[g + k * H + j] + (bIh ? bIh[k * H + j] : 0);
      const hh = (k: number): number => hw[g + k * H + j] + (bHh ? bHh[k * H + j] : 0);
      const r = sigmoid(x(0) + hh(0));
      const z = sigmoid(x(1) + hh(1));
      const hn = hh(2);
      const n = Math.tanh(x(2) + r * hn);
      out[s + j] = (1 - z) * n + z * h[s + j];
      acts[a + j] = r;
      acts[a + H + j] = z;
      acts[a + 2 * H + j] = n;
      acts[a + 3 * H + j] = hn;
    }
  }
};

export const gruCellBackward: KernelBackend['gruCellBackward'] = ({ gOut, acts, h, batch, hidden, gXw, gHw, gH }) => {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const g = b * 3 * H;
    const a = b * 4 * H;
    const s = b * H;
    for (let j = 0; j < H; j++) {
      const r = acts[a + j];
      const z = acts[a + H + j];
      const n = acts[a + 2 * H + j];
      const hn = acts[a + 3 * H + j];
      const gy = gOut[s + j];
      const gn = gy * (1 - z) * (1 - n * n);
      const gz = gy * (h[s + j] - n) * z * (1 - z);
      const gr = gn * hn * r * (1 - r);
      gXw[g + j] = gr;
      gXw[g + H + j] = gz;
      gXw[g + 2 * H + j] = gn;
      gHw[g + j] = gr;
      gHw[g + H + j] = gz;
      gHw[g + 2 * H + j] = gn * r;
      gH[s + j] = gy * z;
    }
  }
};
