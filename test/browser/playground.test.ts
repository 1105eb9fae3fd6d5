import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { decodeSafetensors } from '@tapegrad/nn';
import { ROOT } from './bundle';
import { type Browser, launchChromium } from './chromium';
import { type StaticServer, serveStatic } from './server';

// The playground (apps/playground), built by Vite and served from 127.0.0.1, in Chromium: it
// loads with no console error, trains the spiral to ≥ 95% training accuracy (as the page
// reports it) within TRAIN_MS, exports the weights, refuses invalid settings with a message, and
// is screenshot (TAPEGRAD_SCREENSHOT names the file; by default a temporary one).
const TRAIN_MS = 120_000;
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-playground-'));
let browser: Browser;
let server: StaticServer;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'],
    { cwd: path.join(ROOT, 'apps/playground'), stdio: 'inherit' },
  );
  server = await serveStatic(out, { isolated: true });
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.setViewportSize({ width: 1100, height: 820 });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(server.url);
  await page.waitForFunction(() => /^wasm/.test(document.getElementById('kernels')!.textContent ?? ''));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(out, { recursive: true, force: true });
});

// playwright-core has no `expect(locator)`: these are the waits the tests need.
const waitText = (selector: string, text: string): Promise<unknown> =>
  page.waitForFunction(([s, t]) => document.querySelector(s)?.textContent === t, [selector, text] as const);
const waitAlert = (text: string): Promise<unknown> =>
  page.waitForFunction((t) => {
    const box = document.querySelector<HTMLElement>('[role=alert]')!;
    return !box.hidden && (box.textContent ?? '').includes(t);
  }, text);

test('it trains the spiral to ≥ 95% training accuracy, live, on the WASM kernels', async () => {
  expect(await page.locator('select[name=data]').inputValue()).toBe('spiral');
  expect(await page.locator('#model').textContent()).toMatch(
    /^Sequential\(\n {2}\(0\): Linear\(in=2, out=32, bias=true\)/,
  );
  const t0 = Date.now();
  await page.keyboard.press('Space'); // the page's shortcut for Start
  await waitText('#start', 'Pause');
  await page.waitForFunction(() => Number(document.getElementById('accuracy')!.dataset.value) >= 0.95, undefined, {
    timeout: TRAIN_MS,
  });
  const seconds = (Date.now() - t0) / 1000;
  await page.locator('#start').click(); // pause
  await waitText('#start', 'Start');
  // Value and text read together: the worker's report for the slice in flight when Pause was
  // pressed may still arrive and update both.
  const [acc, shown] = await page.evaluate(() => {
    const el = document.getElementById('accuracy')!;
    return [Number(el.dataset.value), el.textContent] as const;
  });
  const steps = Number(await page.locator('#stepCount').textContent());
  const rate = await page.locator('#stepsPerSecond').textContent();
  console.log(`spiral: ${shown} training accuracy after ${steps} steps, ${seconds.toFixed(1)} s (${rate} steps/s)`);
  expect(acc).toBeGreaterThanOrEqual(0.95);
  expect(shown).toBe(`${(100 * acc).toFixed(1)}%`);
  expect(steps).toBeGreaterThan(0);
  expect(Number(rate)).toBeGreaterThan(0);
  expect(await page.locator('#kernels').textContent()).toMatch(/^wasm(-fma)?(\+\d+threads)?$/);
  const file = process.env.TAPEGRAD_SCREENSHOT ?? path.join(out, 'playground.png');
  await page.screenshot({ path: file, fullPage: false });
  expect(fs.statSync(file).size).toBeGreaterThan(10_000);
  expect(problems).toEqual([]);
});

test('the trained weights export as safetensors with the model’s names and shapes', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export').click()]);
  const bytes = fs.readFileSync((await download.path())!);
  const { tensors, metadata } = decodeSafetensors(bytes);
  expect(tensors.keySeq().toArray()).toEqual(['0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias']);
  expect(tensors.get('0.weight')!.shape).toEqual([32, 2]);
  expect(tensors.get('4.weight')!.shape).toEqual([3, 32]);
  expect(Number(metadata.step)).toBeGreaterThan(0);
});

test('invalid settings are refused with a message, and Step and Start wait for valid ones', async () => {
  await page.locator('input[name=lr]').fill('0');
  await page.locator('input[name=lr]').dispatchEvent('change');
  await waitAlert('learning rate must be a number above 0');
  expect(await page.locator('input[name=lr]').getAttribute('aria-invalid')).toBe('true');
  expect(await page.locator('#start').isDisabled()).toBe(true);
  await page.locator('input[name=hidden]').fill('16,abc');
  await page.locator('input[name=hidden]').dispatchEvent('change');
  await waitAlert('hidden layers');
  await page.locator('input[name=lr]').fill('0.05');
  await page.locator('input[name=hidden]').fill('8');
  await page.locator('input[name=hidden]').dispatchEvent('change');
  await page.locator('[role=alert]').waitFor({ state: 'hidden' });
  expect(await page.locator('#start').isDisabled()).toBe(false);
  await page.locator('select[name=data]').selectOption('moons');
  await page.locator('#step').click();
  await waitText('#stepCount', '1');
  expect(await page.locator('#model').textContent()).toContain('Linear(in=8, out=2, bias=true)');
  expect(problems).toEqual([]);
});

test('on a phone-sized screen the page fits its width, and the controls come first', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  const { scrollWidth, formBottom, canvasTop } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    formBottom: document.getElementById('settings')!.getBoundingClientRect().bottom,
    canvasTop: document.getElementById('boundary')!.getBoundingClientRect().top,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(390);
  expect(canvasTop).toBeGreaterThan(formBottom); // one column
  if (process.env.TAPEGRAD_SCREENSHOT)
    await page.screenshot({ path: process.env.TAPEGRAD_SCREENSHOT.replace(/\.png$/, '-phone.png') });
});
