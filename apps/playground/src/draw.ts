/** Drawing on the page's canvases: the decision boundary with the data, and the loss curve. */
import type { Boundary } from './protocol';

/** One colour per class: [r, g, b]. */
export const PALETTE: readonly [number, number, number][] = [
  [230, 120, 40],
  [40, 120, 220],
  [60, 170, 90],
];

/**
 * The boundary (each cell in its class's colour, paler where the model is unsure) and the points
 * on top, in their class's colour with a dark rim.
 */
export function drawBoundary(
  canvas: HTMLCanvasElement,
  b: Boundary | null,
  points: Float32Array,
  labels: Int32Array,
  extent: number,
): void {
  const ctx = canvas.getContext('2d')!;
  const w = canvas.width;
  const h = canvas.height;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  if (b !== null) {
    const img = new ImageData(b.size, b.size);
    for (let i = 0; i < b.size * b.size; i++) {
      const [r, g, bl] = PALETTE[b.classes[i] % PALETTE.length];
      const a = Math.max(0, Math.min(1, (b.confidence[i] - 0.3) / 0.7)) * 0.55;
      img.data.set([255 - (255 - r) * a, 255 - (255 - g) * a, 255 - (255 - bl) * a, 255], 4 * i);
    }
    const tile = document.createElement('canvas');
    tile.width = b.size;
    tile.height = b.size;
    tile.getContext('2d')!.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(tile, 0, 0, w, h);
  }
  const px = (v: number): number => ((v + extent) / (2 * extent)) * w;
  const py = (v: number): number => ((extent - v) / (2 * extent)) * h;
  for (let i = 0; i < labels.length; i++) {
    const [r, g, bl] = PALETTE[labels[i] % PALETTE.length];
    ctx.beginPath();
    ctx.arc(px(points[2 * i]), py(points[2 * i + 1]), Math.max(2.5, w / 140), 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${r},${g},${bl})`;
    ctx.fill();
    ctx.strokeStyle = 'rgba(0,0,0,0.6)';
    ctx.lineWidth = 1;
    ctx.stroke();
  }
}

/** The training loss by step (a log scale, so the late, slow part stays visible). */
export function drawLoss(canvas: HTMLCanvasElement, losses: readonly number[]): void {
  const ctx = canvas.getContext('2d')!;
  const w = canvas.width;
  const h = canvas.height;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.strokeStyle = '#ccc';
  ctx.strokeRect(0.5, 0.5, w - 1, h - 1);
  if (losses.length < 2) return;
  // at most one point per pixel column: the mean of the steps it covers
  const cols = Math.min(w, losses.length);
  const ys: number[] = [];
  for (let c = 0; c < cols; c++) {
    const a = Math.floor((c * losses.length) / cols);
    const e = Math.max(a + 1, Math.floor(((c + 1) * losses.length) / cols));
    let s = 0;
    for (let i = a; i < e; i++) s += losses[i];
    ys.push(Math.log10(Math.max(1e-4, s / (e - a))));
  }
  const lo = Math.min(...ys);
  const hi = Math.max(...ys, lo + 1e-6);
  ctx.strokeStyle = '#c0392b';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ys.forEach((y, c) => {
    const x = (c / Math.max(1, cols - 1)) * (w - 8) + 4;
    const yy = h - 6 - ((y - lo) / (hi - lo)) * (h - 12);
    if (c === 0) ctx.moveTo(x, yy);
    else ctx.lineTo(x, yy);
  });
  ctx.stroke();
}
