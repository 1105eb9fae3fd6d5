/**
 * The browser {@link Platform}, which package.json's `#platform` import picks under the `browser`
 * condition (it is compiled only into the ESM build, dist/esm, because of `import.meta`).
 *
 * - WASM modules are fetched, not read: each URL below is written out whole, relative to
 *   `import.meta.url`, so that bundlers (Vite, webpack 5, Parcel) find the file, copy it and
 *   rewrite the URL; `ready()` fetches and compiles them (kernels/wasm/preload.ts). Setting
 *   `TAPEGRAD_WASM_BASE` (below) fetches them from another folder instead.
 * - Threads (a Worker per thread over shared WASM memory) only where the page is cross-origin
 *   isolated: elsewhere there is no `SharedArrayBuffer`, and {@link Platform.parallelism} is 1.
 * - Settings: there is no `process.env`; `globalThis.TAPEGRAD_ENV` (an object of strings, set
 *   before the first op) takes its place, e.g. `{ TAPEGRAD_BACKEND: 'js' }`.
 * - No native addon and no V8 flags.
 */
import type { Platform, PlatformWorker } from './types';

interface BrowserGlobals {
  TAPEGRAD_ENV?: Record<string, string | undefined>;
  crossOriginIsolated?: boolean;
  SharedArrayBuffer?: unknown;
  navigator?: { hardwareConcurrency?: number };
  Blob: new (parts: string[], options: { type: string }) => object;
  URL: { createObjectURL(blob: object): string; revokeObjectURL(url: string): void };
  Worker: new (url: string) => {
    postMessage(data: unknown): void;
    terminate(): void;
    onerror: (() => void) | null;
    onmessage: (() => void) | null;
  };
}

const g = globalThis as unknown as BrowserGlobals;

const WASM_URLS: Record<string, () => URL> = {
  kernels: () => new URL('../../wasm/kernels.wasm', import.meta.url),
  'kernels-fma': () => new URL('../../wasm/kernels-fma.wasm', import.meta.url),
  'kernels-mt': () => new URL('../../wasm/kernels-mt.wasm', import.meta.url),
  'kernels-mt-fma': () => new URL('../../wasm/kernels-mt-fma.wasm', import.meta.url),
};

const env = (name: string): string | undefined => {
  const v = g.TAPEGRAD_ENV?.[name];
  return typeof v === 'string' ? v : undefined;
};

/**
 * Where module `name` is fetched from: `TAPEGRAD_WASM_BASE` + `<name>.wasm` when that setting is
 * given (for bundlers that do not rewrite `new URL(…, import.meta.url)`, such as esbuild: copy
 * packages/core/dist/wasm there), else the URL the bundler resolved; null for an unknown module.
 *
 * @example
 * wasmUrl('kernels'); // 'http://localhost:5173/assets/kernels-3f2a.wasm' under Vite
 */
export function wasmUrl(name: string): string | null {
  const base = env('TAPEGRAD_WASM_BASE');
  if (base !== undefined && base !== '') return new URL(`${name}.wasm`, new URL(base, import.meta.url)).href;
  return WASM_URLS[name]?.().href ?? null;
}

/** Whether workers can share memory with this page: it is cross-origin isolated. */
function canShareMemory(): boolean {
  return g.crossOriginIsolated === true && typeof g.SharedArrayBuffer === 'function';
}

// tapegrad's files as a browser names them: a package's dist (or, in the monorepo, src) folder.
const OWN_URL = /\/(@tapegrad|packages)\/(core|nn|datasets|onnx|plot|cli)\/(src|dist)\//;

/** The browser platform. */
export const platform: Platform = {
  name: 'browser',
  env,
  parallelism: () => (canShareMemory() ? Math.max(1, g.navigator?.hardwareConcurrency ?? 1) : 1),
  wasmBytes: () => null,
  wasmLocation: (name) => wasmUrl(name) ?? `${name}.wasm (unknown module)`,
  wasmUrl,
  loadAddon: () => ({ exports: null, reason: 'there is no native addon in a browser' }),
  startWorker(body, data, onError): PlatformWorker {
    // The worker receives its data as its first message, then runs the body (which may block).
    const source = `self.onmessage = (e) => {\nself.onmessage = null;\nconst workerData = e.data;\n${body}\n};`;
    const url = g.URL.createObjectURL(new g.Blob([source], { type: 'text/javascript' }));
    const worker = new g.Worker(url);
    worker.onerror = () => onError();
    worker.postMessage(data);
    return {
      terminate: () => {
        worker.terminate();
        g.URL.revokeObjectURL(url);
        return Promise.resolve(0);
      },
    };
  },
  setV8Flags: () => undefined,
  startFlags: () => [],
  resolveModule: (id) => id,
  ownSourceFile: (file) => OWN_URL.test(file),
};
