import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ShapeError, tensor, ValueError } from '@tapegrad/core';
import {
  decisionBoundary,
  heatMap,
  heatMapSpec,
  lineChart,
  plotHistory,
  rasterize,
  savePlot,
  scatter,
  trainingCurves,
} from '@tapegrad/plot';
import { FileSystemError } from '@tapegrad/core/node';

/** Pixels darker than mid-grey in an RGBA buffer. */
function darkPixels(svg: string): number {
  const { pixels } = rasterize(svg, 1);
  let n = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 128 && pixels[i + 3] > 0) n++;
  return n;
}

describe('savePlot', () => {
  const svg = lineChart([{ name: 'loss', y: [3, 2, 1] }]);

  it('creates missing folders level by level and writes both files', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-save-'));
    const out = savePlot(svg, path.join(root, 'a', 'b', 'loss'));
    expect(fs.readFileSync(out.svg, 'utf8')).toContain('<svg');
    expect(fs.statSync(out.png).size).toBeGreaterThan(100);
    fs.rmSync(root, { recursive: true, force: true });
  });

  (fs.existsSync('/proc/self') ? it : it.skip)('to /proc/x is a FileSystemError at once, not an endless mkdir', () => {
    expect(() => savePlot(svg, '/proc/x/y/loss')).toThrow(FileSystemError);
    expect(() => savePlot(svg, '/proc/x/y/loss')).toThrow('cannot create the folder /proc/x (for /proc/x/y) (ENOENT)');
  });

  it('bad arguments and unwritable files are typed errors', () => {
    expect(() => savePlot(3 as never, 'x')).toThrow('savePlot: svg must be a non-empty string, got 3');
    expect(() => savePlot(svg, '' as never)).toThrow('savePlot: base must be a non-empty string, got ""');
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-save-'));
    fs.mkdirSync(path.join(root, 'loss.svg'));
    expect(() => savePlot(svg, path.join(root, 'loss'))).toThrow(/^savePlot: cannot write .*loss\.svg \(EISDIR\)/);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe('plot', () => {
  it('renders text with the shipped font (resvg draws nothing without a font)', () => {
    const text = (family: string): string =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50"><text x="10" y="35" font-family="${family}" font-size="30">Loss</text></svg>`;
    expect(darkPixels(text('sans-serif'))).toBeGreaterThan(100);
    expect(darkPixels(text('DejaVu Sans'))).toBeGreaterThan(100);
  });

  it('the shipped font is a small subset that still draws the symbols charts use', () => {
    for (const face of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']) {
      expect(fs.statSync(path.join(__dirname, '..', 'fonts', face)).size).toBeLessThan(200_000);
    }
    expect(fs.readFileSync(path.join(__dirname, '..', 'fonts', 'LICENSE'), 'utf8')).toContain('Bitstream Vera');
    // vega writes negative axis labels with U+2212; Greek, Cyrillic, Latin-1 and arrows are in the subset
    const glyph = (ch: string): string =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="60" height="60"><text x="10" y="45" font-weight="bold" font-size="40">${ch}</text></svg>`;
    const chars = ['\u2212', 'σ', 'Ж', 'é', '→', '×', '²'];
    const drawn = Object.fromEntries(chars.map((ch) => [ch, darkPixels(glyph(ch)) > 20]));
    expect(drawn).toEqual(Object.fromEntries(chars.map((ch) => [ch, true])));
    expect(darkPixels(glyph('中'))).toBe(0); // outside the subset: drawn as nothing
  });

  it('draws a line chart with axes, titles and a legend, and saves SVG and PNG', () => {
    const svg = lineChart(
      [
        { name: 'train', y: [1, 0.5, 0.25] },
        { name: 'test', y: [1.1, 0.6, 0.4] },
      ],
      { title: 'Loss curve', xLabel: 'epoch', yLabel: 'loss' },
    );
    for (const text of ['Loss curve', 'epoch', 'loss', 'train', 'test']) expect(svg).toContain(`>${text}<`);
    expect(darkPixels(svg)).toBeGreaterThan(500);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-plot-'));
    const out = savePlot(svg, path.join(dir, 'sub', 'loss'));
    expect(fs.readFileSync(out.png).subarray(1, 4).toString()).toBe('PNG');
    expect(fs.readFileSync(out.svg, 'utf8')).toBe(svg);
  });

  it('scatters labelled points and shades a decision boundary', () => {
    const points = [
      [-1, -1],
      [1, 1],
      [1, -0.5],
    ];
    expect(scatter(points, [0, 1, 2], { title: 'data' })).toContain('>data<');
    // scores (x0, x1): class 1 above the diagonal, so the grid has two regions per row at most
    const svg = decisionBoundary((x) => x, points, [0, 1, 0], { resolution: 10, title: 'regions' });
    expect(svg).toContain('>regions<');
    expect((svg.match(/<path/g) ?? []).length).toBeGreaterThan(10);
  });

  it('draws training curves: loss with validation dots, and the metric in a second panel', () => {
    const svg = trainingCurves(
      {
        x: [1, 2, 3, 4],
        loss: [1.2, 0.8, 0.6, 0.5],
        valLoss: [null, 0.9, null, 0.7],
        metric: [0.3, 0.6, 0.7, 0.8],
        valMetric: [null, 0.55, null, 0.7],
      },
      { title: 'Run', xLabel: 'epoch' },
    );
    for (const text of ['Run', 'loss', 'accuracy', 'epoch', 'train', 'validation']) expect(svg).toContain(`>${text}<`);
    expect(darkPixels(svg)).toBeGreaterThan(500);
    // without a metric only the loss panel is drawn
    const lossOnly = trainingCurves({ x: [0, 1, 2], loss: [3, 2, 1], metric: [null, null, null] }, { ylim: [0, 4] });
    expect(lossOnly).toContain('>loss<');
    expect(lossOnly).not.toContain('>accuracy<');
    expect(() => trainingCurves({ x: [0], loss: [NaN] })).toThrow('no finite value');
  });

  it("plotHistory draws the book's loss against iterations ×evalInterval", () => {
    expect(plotHistory({ lossList: [1.1, 0.9, 0.4] }, 10)).toContain('>iterations (x10)<');
  });

  it('draws a heat map with repeated labels on both axes, darker for larger values', () => {
    const svg = heatMap(
      [
        [1, 0, 0, 0],
        [0, 0, 1, 0],
        [0, 0, 0, 1],
      ],
      { xLabels: ['1', '9', '9', '4'], yLabels: ['a', '9', 'b'], title: 'attention', domain: [0, 1] },
    );
    expect(svg).toContain('>attention<');
    expect((svg.match(/>9</g) ?? []).length).toBe(3); // two columns and one row named 9, none merged
    for (const label of ['>1<', '>4<', '>a<', '>b<']) expect(svg).toContain(label);
    const dark = darkPixels(svg);
    const light = darkPixels(
      heatMap(
        tensor([
          [0, 0, 0, 0],
          [0, 0, 0, 0],
          [0, 0, 0, 0],
        ]),
        { domain: [0, 1] },
      ),
    );
    expect(dark - light).toBeGreaterThan(3 * 15 * 15); // three black cells of 18 px, less their borders
    const spec = heatMapSpec(tensor([[0.5, 0.5]]));
    expect((spec.data as { values: unknown[] }).values).toEqual([
      { x: 0, y: 0, v: 0.5 },
      { x: 1, y: 0, v: 0.5 },
    ]);
  });

  it('refuses a matrix or labels of the wrong shape with typed errors', () => {
    expect(() => heatMapSpec([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => heatMapSpec(tensor([1, 2]))).toThrow(/heatMap: matrix must be 2-D, got a tensor of shape \[2\]/);
    expect(() => heatMapSpec([[1, 2]], { xLabels: ['a'] })).toThrow(/xLabels must be 2 strings \(one per column\)/);
    expect(() => heatMapSpec([])).toThrow(ValueError);
    expect(() => heatMapSpec([[1]], { colour: 'red' } as never)).toThrow(/unknown option 'colour'/);
  });
});
