/**
 * `npm run bench:browser [-- --rounds 7 --run-ms 1000]`: spiral training steps per second in
 * headless Chromium (/usr/bin/chromium), tapegrad against TensorFlow.js's backends that start
 * there, in one page, taking turns (spiral-page.ts). The page is cross-origin isolated, so
 * TensorFlow.js's wasm backend may use its threaded SIMD build. Prints the medians and
 * tapegrad's ratio to the fastest TensorFlow.js backend (target ≥ 5×).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundlePage, ROOT } from '../../test/browser/bundle';
import { launchChromium } from '../../test/browser/chromium';
import { serveStatic } from '../../test/browser/server';

interface BenchResults {
  error?: string;
  results: { name: string; median: number; min: number; max: number }[];
  skipped: string[];
  crossOriginIsolated: boolean;
  userAgent: string;
}

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

async function main(): Promise<void> {
  const rounds = arg('--rounds', 7);
  const runMs = arg('--run-ms', 1000);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-bench-browser-'));
  await bundlePage('bench/browser/spiral-page.ts', path.join(out, 'spiral.js'));
  fs.copyFileSync(path.join(__dirname, 'spiral.html'), path.join(out, 'spiral.html'));
  const server = await serveStatic(out, {
    isolated: true,
    mounts: {
      '/wasm/': path.join(ROOT, 'packages/core/dist/wasm'),
      '/tfjs-wasm/': path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist'),
    },
  });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') console.error(`page: ${m.text()}`);
    });
    await page.goto(`${server.url}spiral.html?rounds=${rounds}&runMs=${runMs}`);
    await page.waitForFunction(() => 'benchResults' in window, undefined, { timeout: 60_000 + 8 * rounds * runMs });
    const r = (await page.evaluate(
      () => (window as unknown as { benchResults: unknown }).benchResults,
    )) as BenchResults;
    if (r.error) throw new Error(r.error);
    console.log(
      `${r.userAgent}\ncross-origin isolated: ${r.crossOriginIsolated}; ${rounds} rounds of ${runMs} ms runs each, taking turns`,
    );
    console.log('spiral 2-10-3 sigmoid, batch 30, SGD: steps/s   median     min     max');
    for (const x of r.results) {
      console.log(
        `  ${x.name.padEnd(40)} ${x.median.toFixed(0).padStart(8)} ${x.min.toFixed(0).padStart(7)} ${x.max.toFixed(0).padStart(7)}`,
      );
    }
    for (const s of r.skipped) console.log(`  (did not start: ${s})`);
    const [ours, ...tfjs] = r.results;
    const best = tfjs.reduce((a, b) => (b.median > a.median ? b : a));
    const ratio = ours.median / best.median;
    console.log(
      `tapegrad ÷ fastest TensorFlow.js (${best.name}): ${ratio.toFixed(1)}× (target ≥ 5×: ${ratio >= 5 ? 'met' : 'NOT met'})`,
    );
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(out, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
