import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkString } from '@tapegrad/core';
import { FileSystemError, makeDir } from '@tapegrad/core/node';
import { svgToPng } from './png';

/**
 * Writes `svg` as `<base>.svg` and `<base>.png` (creating the folder level by level, so that
 * /proc/x is an error at once rather than the endless loop of a recursive mkdir) and returns both
 * paths. A folder or file that cannot be written is a {@link FileSystemError} naming it.
 *
 * @example
 * savePlot(lineChart([{ name: 'loss', y: [3, 2, 1] }]), 'runs/demo/loss');
 */
export function savePlot(svg: string, base: string): { svg: string; png: string } {
  checkString('savePlot', 'svg', svg);
  checkString('savePlot', 'base', base);
  makeDir(path.dirname(base), 'savePlot');
  const out = { svg: `${base}.svg`, png: `${base}.png` };
  write(out.svg, svg);
  write(out.png, svgToPng(svg));
  return out;
}

function write(file: string, data: string | Uint8Array): void {
  try {
    fs.writeFileSync(file, data);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new FileSystemError(`savePlot: cannot write ${file} (${code})`, file);
  }
}
