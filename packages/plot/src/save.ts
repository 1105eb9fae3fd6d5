import * as fs from 'node:fs';
import * as path from 'node:path';
import { svgToPng } from './png';

/**
 * Writes `svg` as `<base>.svg` and `<base>.png` (creating the folder) and returns both paths.
 *
 * @example
 * savePlot(lineChart([{ name: 'loss', y: [3, 2, 1] }]), 'runs/demo/loss');
 */
export function savePlot(svg: string, base: string): { svg: string; png: string } {
  fs.mkdirSync(path.dirname(base), { recursive: true });
  const out = { svg: `${base}.svg`, png: `${base}.png` };
  fs.writeFileSync(out.svg, svg);
  fs.writeFileSync(out.png, svgToPng(svg));
  return out;
}
