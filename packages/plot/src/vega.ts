import { runHelper } from './child';

/** A vega-lite specification (a plain JSON object). */
export type VegaLiteSpec = Record<string, unknown>;

/** Font family every chart uses; the same font is handed to resvg (see png.ts). */
export const FONT_FAMILY = 'DejaVu Sans';

/**
 * Renders a vega-lite spec to an SVG string. vega is ESM-only, so it runs in a short-lived child
 * Node process (about 0.3 s), which keeps this function synchronous and jest-proof.
 *
 * @example
 * const svg = renderVegaLite({ data: { values: [{ x: 1, y: 2 }] }, mark: 'point', encoding: {} });
 */
export function renderVegaLite(spec: VegaLiteSpec): string {
  const full = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    ...spec,
    config: { font: FONT_FAMILY, ...((spec.config as object | undefined) ?? {}) },
  };
  return runHelper('render-vega.mjs', JSON.stringify(full), 'renderVegaLite');
}
