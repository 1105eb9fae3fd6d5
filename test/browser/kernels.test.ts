import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundlePage, ROOT } from './bundle';
import { type Browser, launchChromium } from './chromium';
import { serveStatic } from './server';

// pages/kernels.ts in Chromium: the kernels start (WASM; threads only when cross-origin
// isolated), a subset of the gradient properties and the WASM-vs-JS kernel checks pass there.
interface PageResults {
  error?: string;
  info: { kernels: string; crossOriginIsolated: boolean; hardwareConcurrency: number };
  results: { name: string; ok: boolean; detail: string }[];
  seconds: number;
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-kernels-page-'));
let browser: Browser;

beforeAll(async () => {
  await bundlePage('test/browser/pages/kernels.ts', path.join(out, 'kernels.js'));
  fs.copyFileSync(path.join(__dirname, 'pages', 'kernels.html'), path.join(out, 'kernels.html'));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  fs.rmSync(out, { recursive: true, force: true });
});

describe.each([
  ['a plain page', false, false],
  ['a cross-origin isolated page', true, false],
  ['a page whose engine lacks WASM SIMD', false, true],
])('in %s', (_label, isolated, noSimd) => {
  test('the gradient properties and the WASM-vs-JS kernel checks pass in Chromium', async () => {
    const server = await serveStatic(out, {
      isolated,
      mounts: { '/wasm/': path.join(ROOT, 'packages/core/dist/wasm') },
    });
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    try {
      if (noSimd) {
        await page.addInitScript(() => {
          (WebAssembly as unknown as { validate: () => boolean }).validate = () => false;
        });
      }
      await page.goto(`${server.url}kernels.html${noSimd ? '?nosimd' : ''}`);
      await page.waitForFunction(() => 'tapegradResults' in window, undefined, { timeout: 240000 });
      const r = (await page.evaluate(
        () => (window as unknown as { tapegradResults: unknown }).tapegradResults,
      )) as PageResults;
      expect(r.error).toBeUndefined();
      const failed = r.results.filter((x) => !x.ok);
      console.log(
        `${r.info.kernels} (crossOriginIsolated ${r.info.crossOriginIsolated}, ${r.info.hardwareConcurrency} cores): ` +
          `${r.results.length - failed.length} passed, ${failed.length} failed in ${r.seconds.toFixed(1)} s`,
      );
      expect(failed).toEqual([]);
      expect(r.results.length).toBe(noSimd ? 17 : isolated ? 24 : 23);
      expect(r.info.crossOriginIsolated).toBe(isolated);
      const threads = isolated && r.info.hardwareConcurrency >= 2;
      expect(r.info.kernels).toMatch(noSimd ? /^js$/ : threads ? /^wasm(-fma)?\+\d+threads$/ : /^wasm(-fma)?$/);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await server.close();
    }
  });
});
