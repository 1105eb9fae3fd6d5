import { Resvg, type RenderedImage } from '@resvg/resvg-js';
import * as path from 'node:path';
import { FONT_FAMILY } from './vega';

/**
 * DejaVu Sans, regular and bold, in the package's `fonts/` folder (a sibling of `src/` and
 * `dist/`): subsets with the Latin, Greek and Cyrillic letters and the symbols charts use, about
 * 120 KB each (`scripts/subset-font.sh` makes them; `fonts/LICENSE` is the font's licence).
 */
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => path.join(__dirname, '..', 'fonts', f));

/**
 * Rasterises an SVG with resvg, using the shipped DejaVu font only (no system fonts), so text
 * renders the same on a fresh machine.
 *
 * @example
 * const { width, height, pixels } = rasterize(svg, 2); // RGBA bytes
 */
export function rasterize(svg: string, scale = 2): RenderedImage {
  const resvg = new Resvg(svg, {
    font: {
      fontFiles: FONT_FILES,
      loadSystemFonts: false,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
  });
  return resvg.render();
}

/**
 * An SVG as PNG bytes (see {@link rasterize}); `scale` 2 gives a crisp image.
 *
 * @example
 * fs.writeFileSync('plot.png', svgToPng(svg));
 */
export function svgToPng(svg: string, scale = 2): Buffer {
  return rasterize(svg, scale).asPng();
}
