import { Resvg, type RenderedImage } from '@resvg/resvg-js';
import * as path from 'node:path';
import { FONT_FAMILY } from './vega';

let fontFiles: string[] | undefined;

/** The DejaVu Sans TTFs shipped by the `dejavu-fonts-ttf` npm package. */
function shippedFonts(): string[] {
  if (!fontFiles) {
    const dir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    fontFiles = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => path.join(dir, f));
  }
  return fontFiles;
}

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
      fontFiles: shippedFonts(),
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
