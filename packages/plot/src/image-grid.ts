import {
  ShapeError,
  type Tensor,
  ValueError,
  checkInteger,
  checkOneOf,
  checkOptions,
  checkString,
  checkTensor,
  describe,
} from '@tapegrad/core';
import { FONT_FAMILY } from './vega';

/** How the values of an {@link imageGrid} become grey levels. */
export type GridColormap = 'gray' | 'gray_r';

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  /** Images per row (default: as many as make the grid about square). */
  cols?: number;
  /** Screen pixels per image pixel (default: images about 40 pixels wide). */
  pixelSize?: number;
  /** Screen pixels between images (default 4). */
  gap?: number;
  /**
   * `'each'` (default, as matplotlib's `imshow` per image): each image's own min → black and max
   * → white; `'all'`: one range over all images, so their contrasts compare; or a fixed
   * `[low, high]`. Values outside the range are clipped.
   */
  range?: 'each' | 'all' | readonly [number, number];
  /** `'gray'` (default: low values black) or `'gray_r'` (low values white, as the book's figure). */
  colormap?: GridColormap;
  /** A title over the grid. */
  title?: string;
  /** One caption under each image (as many as images). */
  labels?: readonly string[];
}

const FN = 'imageGrid';
const OPTION_NAMES = ['cols', 'pixelSize', 'gap', 'range', 'colormap', 'title', 'labels'] as const;

/** The images of a `[N, H, W]`, `[N, 1, H, W]` or `[N, 3, H, W]` tensor. */
function layoutOf(images: Tensor): { n: number; channels: 1 | 3; h: number; w: number } {
  checkTensor(FN, 'images', images, { dtype: ['float32', 'float64', 'int32'], ndim: [3, 4] });
  const [n, ...rest] = images.shape;
  const [c, h, w] = images.ndim === 3 ? [1, ...rest] : rest;
  if (c !== 1 && c !== 3) {
    throw new ShapeError(
      `${FN}: images (${describe(images)}) have ${c} channels; a grid shows grey (1) or RGB (3) ` +
        `images, so pick channels first (e.g. weight.slice(null, [0, 1]) for the first input channel)`,
    );
  }
  if (n === 0 || h === 0 || w === 0) throw new ShapeError(`${FN}: images (${describe(images)}) are empty`);
  return { n, channels: c, h, w };
}

function checkRange(v: unknown): 'each' | 'all' | readonly [number, number] {
  if (v === undefined) return 'each';
  if (v === 'each' || v === 'all') return v;
  if (Array.isArray(v) && v.length === 2 && v.every(Number.isFinite) && v[0] < v[1]) return [v[0], v[1]];
  throw new ValueError(`${FN}: range must be 'each', 'all' or [low, high] with low < high, got ${JSON.stringify(v)}`);
}

function extent(data: ArrayLike<number>, begin: number, end: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = begin; i < end; i++) {
    lo = Math.min(lo, data[i]);
    hi = Math.max(hi, data[i]);
  }
  return [lo, hi];
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const hex = (v: number): string => Math.round(v).toString(16).padStart(2, '0');

/**
 * A grid of small images as SVG, one square per pixel: the book's picture of a convolution's
 * filters (figure 7-24, `visualize_filter`), or a batch of inputs. `images` is `[N, H, W]`,
 * `[N, 1, H, W]` (grey) or `[N, 3, H, W]` (RGB), so a conv weight `[out, 1, kH, kW]` goes in as
 * it is. Save it with `savePlot` like any chart.
 *
 * @example
 * const svg = imageGrid(model.conv1.weight, { cols: 10, title: 'first-layer filters' });
 * savePlot(svg, 'runs/convnet/filters');
 */
export function imageGrid(images: Tensor, options?: ImageGridOptions): string {
  const o = checkOptions(FN, options, OPTION_NAMES);
  const { n, channels, h, w } = layoutOf(images);
  const cols = o.cols === undefined ? Math.ceil(Math.sqrt(n)) : checkInteger(FN, 'cols', o.cols, { min: 1 });
  const rows = Math.ceil(n / Math.min(cols, n));
  const pixel =
    o.pixelSize === undefined
      ? Math.max(1, Math.round(40 / Math.max(h, w)))
      : checkInteger(FN, 'pixelSize', o.pixelSize, { min: 1 });
  const gap = o.gap === undefined ? 4 : checkInteger(FN, 'gap', o.gap, { min: 0 });
  const range = checkRange(o.range);
  const reversed = checkOneOf(FN, 'colormap', o.colormap ?? 'gray', ['gray', 'gray_r']) === 'gray_r';
  const title = o.title === undefined ? undefined : checkString(FN, 'title', o.title);
  const labels = o.labels as readonly string[] | undefined;
  if (
    labels !== undefined &&
    (!Array.isArray(labels) || labels.length !== n || !labels.every((l) => typeof l === 'string'))
  ) {
    throw new ValueError(`${FN}: labels must be ${n} strings (one per image), got ${JSON.stringify(labels)}`);
  }

  const data = images.data;
  const size = channels * h * w;
  const fixed = range === 'all' ? extent(data, 0, n * size) : range === 'each' ? null : range;
  const usedCols = Math.min(cols, n);
  const titleHeight = title === undefined ? 0 : 24;
  const labelHeight = labels === undefined ? 0 : 14;
  const cellW = w * pixel;
  const cellH = h * pixel + labelHeight;
  const gridWidth = usedCols * cellW + (usedCols + 1) * gap;
  // Bold 13 px DejaVu Sans averages under 8.5 px a character: room for the title, grid centred below.
  const width = Math.max(gridWidth, title === undefined ? 0 : Math.ceil(title.length * 8.5) + 2 * gap);
  const left = Math.floor((width - gridWidth) / 2);
  const height = titleHeight + rows * cellH + (rows + 1) * gap;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  if (title !== undefined) {
    parts.push(
      `<text x="${width / 2}" y="17" font-family="${FONT_FAMILY}" font-size="13" font-weight="bold" text-anchor="middle">${escapeXml(title)}</text>`,
    );
  }
  parts.push('<g shape-rendering="crispEdges">');
  for (let k = 0; k < n; k++) {
    const [lo, hi] = fixed ?? extent(data, k * size, (k + 1) * size);
    const scale = hi > lo ? 255 / (hi - lo) : 0;
    const x0 = left + gap + (k % usedCols) * (cellW + gap);
    const y0 = titleHeight + gap + Math.floor(k / usedCols) * (cellH + gap);
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        const level = (c: number): number => {
          const v = Math.min(255, Math.max(0, (data[k * size + c * h * w + i * w + j] - lo) * scale));
          return reversed ? 255 - v : v;
        };
        const grey = level(0);
        const colour = channels === 1 ? hex(grey).repeat(3) : `${hex(grey)}${hex(level(1))}${hex(level(2))}`;
        parts.push(
          `<rect x="${x0 + j * pixel}" y="${y0 + i * pixel}" width="${pixel}" height="${pixel}" fill="#${colour}"/>`,
        );
      }
    }
    if (labels !== undefined) {
      parts.push(
        `<text x="${x0 + cellW / 2}" y="${y0 + cellH - 3}" font-family="${FONT_FAMILY}" font-size="10" text-anchor="middle">${escapeXml(labels[k])}</text>`,
      );
    }
  }
  parts.push('</g></svg>');
  return parts.join('\n');
}
