import * as fs from 'fs';
import { kernels, ready } from '../src';
import { compileModule, loadWasm } from '../src/kernels/wasm';
import { precompiled } from '../src/kernels/wasm/module';
import { preloadWasm, wasmFeatures } from '../src/kernels/wasm/preload';
import { platform, wasmPath } from '../src/platform/node';
import type { Platform } from '../src/platform/types';

// How a browser gets the WASM kernels (kernels/wasm/preload.ts), exercised in Node.js with a
// platform that, like platform/browser.ts, has no bytes but URLs, and a stubbed fetch.
const bytes = fs.readFileSync(wasmPath('kernels'));
const urls: string[] = [];
const browserLike: Platform = {
  ...platform,
  name: 'test-browser',
  wasmBytes: () => null,
  wasmUrl: (name) => `https://example.test/${name}.wasm`,
  wasmLocation: (name) => `https://example.test/${name}.wasm`,
  env: (name) => (name === 'TAPEGRAD_WASM_FMA' ? '0' : undefined),
};
const realFetch = globalThis.fetch;

function stubFetch(contentType: string, status = 200): void {
  globalThis.fetch = (async (url: string) => {
    urls.push(url);
    return new Response(status === 200 ? bytes : 'missing', { status, headers: { 'content-type': contentType } });
  }) as typeof fetch;
}

afterEach(() => {
  globalThis.fetch = realFetch;
  precompiled.clear();
  urls.length = 0;
});

test('the feature probes: Node 20 has WASM SIMD, and relaxed SIMD only behind a flag', () => {
  const f = wasmFeatures();
  expect(f.simd).toBe(true);
  expect(typeof f.relaxedSimd).toBe('boolean');
  expect(wasmFeatures({ validate: () => false } as never)).toEqual({ simd: false, relaxedSimd: false });
});

test('before ready() the modules are not there, and the reason says to call it', () => {
  const p = browserLike;
  expect(loadWasm('kernels', p).exports).toBeNull();
  expect(compileModule('kernels', p).reason).toMatch(/fetched by `await ready\(\)`, not called yet/);
});

test.each([
  ['application/wasm', 'instantiateStreaming'],
  ['application/octet-stream', 'the fallback (fetch whole, then instantiate)'],
])('served as %s, the module is fetched, compiled and instantiated through %s', async (type) => {
  stubFetch(type);
  const p = browserLike;
  expect(await preloadWasm(true, p)).toBe('');
  expect(urls.some((u) => u.endsWith('/kernels.wasm'))).toBe(true);
  expect(urls.some((u) => u.endsWith('/kernels-mt.wasm'))).toBe(true);
  const first = loadWasm('kernels', p);
  expect(first.reason).toBe('');
  const second = loadWasm('kernels', p); // the preloaded instance is handed out once, then fresh ones
  expect(second.exports).not.toBe(first.exports);
  expect(second.exports!.heapBase()).toBe(first.exports!.heapBase());
});

test('a failed fetch is a reason, not an exception, and the JS kernels stay', async () => {
  stubFetch('text/plain', 404);
  const reason = await preloadWasm(false, browserLike);
  expect(reason).toMatch(/could not load https:\/\/example\.test\/kernels\.wasm: GET .* HTTP 404/);
  expect(precompiled.size).toBe(0);
});

test('in Node.js ready() resolves to the backend kernels() gives', async () => {
  expect(await ready()).toBe(kernels());
});
