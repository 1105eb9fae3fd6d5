import { ShapeError, ValueError, tensor, zeros } from '@tapegrad/core';
import { imageGrid, rasterize } from '@tapegrad/plot';

/** The RGB of the screen pixel at (x, y), rendered at scale 1. */
function pixelAt(svg: string, x: number, y: number): number[] {
  const { width, pixels } = rasterize(svg, 1);
  const i = (y * width + x) * 4;
  return [pixels[i], pixels[i + 1], pixels[i + 2]];
}

describe('imageGrid', () => {
  // two 2×2 grey images: a ramp 0…3 and a constant-offset ramp 10…13
  const images = tensor([
    [
      [0, 1],
      [2, 3],
    ],
    [
      [10, 11],
      [12, 13],
    ],
  ]);

  it('lays images out in a grid, one square of pixelSize per pixel, gap between them', () => {
    const svg = imageGrid(images, { cols: 2, pixelSize: 10, gap: 4 });
    expect(svg).toContain('width="52" height="28"'); // 2·20 + 3·4, 20 + 2·4
    expect((svg.match(/<rect x=/g) ?? []).length).toBe(8);
    // each image is scaled to its own range: 0 and 10 black, 3 and 13 white, 1 and 11 at 1/3
    expect(pixelAt(svg, 4 + 5, 4 + 5)).toEqual([0, 0, 0]);
    expect(pixelAt(svg, 4 + 15, 4 + 15)).toEqual([255, 255, 255]);
    expect(pixelAt(svg, 28 + 15, 4 + 5)).toEqual([85, 85, 85]);
    expect(pixelAt(svg, 28 + 15, 4 + 15)).toEqual([255, 255, 255]);
    expect(pixelAt(svg, 1, 1)).toEqual([255, 255, 255]); // the gap is white
  });

  it("range 'all' shares one scale, a fixed range clips, gray_r reverses", () => {
    const all = imageGrid(images, { cols: 2, pixelSize: 10, gap: 4, range: 'all' });
    expect(pixelAt(all, 4 + 15, 4 + 15)).toEqual([59, 59, 59]); // 3 of 0…13
    const fixed = imageGrid(images, { cols: 2, pixelSize: 10, gap: 4, range: [0, 2] });
    expect(pixelAt(fixed, 4 + 5, 4 + 15)).toEqual([255, 255, 255]); // 2 → white
    expect(pixelAt(fixed, 28 + 5, 4 + 5)).toEqual([255, 255, 255]); // 10 clipped to white
    const reversed = imageGrid(images, { cols: 2, pixelSize: 10, gap: 4, colormap: 'gray_r' });
    expect(pixelAt(reversed, 4 + 5, 4 + 5)).toEqual([255, 255, 255]);
    expect(pixelAt(reversed, 4 + 15, 4 + 15)).toEqual([0, 0, 0]);
  });

  it('takes conv weights [out, 1, kH, kW] and RGB images [N, 3, H, W]; wraps rows; draws title and labels', () => {
    const filters = imageGrid(zeros([30, 1, 5, 5]), { cols: 8, title: 'filters', labels: Array(30).fill('f') });
    expect(filters).toContain('>filters<');
    // a title wider than the grid widens the image, and the grid is centred under it
    const long = imageGrid(images, { cols: 2, pixelSize: 10, gap: 4, title: 'a title much wider than the grid' });
    const width = Number(/width="(\d+)"/.exec(long)![1]);
    expect(width).toBeGreaterThan(200);
    expect(pixelAt(long, Math.floor((width - 52) / 2) + 4 + 15, 24 + 4 + 15)).toEqual([255, 255, 255]);
    expect(pixelAt(long, Math.floor((width - 52) / 2) + 4 + 5, 24 + 4 + 5)).toEqual([0, 0, 0]);
    expect((filters.match(/<rect x=/g) ?? []).length).toBe(30 * 25);
    expect((filters.match(/>f</g) ?? []).length).toBe(30);
    const rgb = tensor([[[[0]], [[1]], [[0.5]]]]); // one 1×1 pixel, R 0, G 1, B 0.5 with range [0, 1]
    expect(pixelAt(imageGrid(rgb, { pixelSize: 4, gap: 0, range: [0, 1] }), 1, 1)).toEqual([0, 255, 128]);
  });

  it('rejects what it cannot draw with typed errors', () => {
    expect(() => imageGrid(zeros([4, 2, 3, 3]))).toThrow(ShapeError);
    expect(() => imageGrid(zeros([4, 2, 3, 3]))).toThrow(/2 channels/);
    expect(() => imageGrid(zeros([4, 3]))).toThrow(ShapeError);
    expect(() => imageGrid(zeros([0, 3, 3]))).toThrow(/empty/);
    expect(() => imageGrid(images, { cols: 0 })).toThrow(ValueError);
    expect(() => imageGrid(images, { range: [1, 0] })).toThrow(/low < high/);
    expect(() => imageGrid(images, { labels: ['one'] })).toThrow(/2 strings/);
    expect(() => imageGrid(images, { colour: 'gray' } as never)).toThrow(/unknown option 'colour'/);
  });
});
