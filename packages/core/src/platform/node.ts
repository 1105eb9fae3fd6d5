/**
 * The Node.js {@link Platform}: files next to the package, `process.dlopen` for the addon,
 * `worker_threads`, `v8.setFlagsFromString`. The only module of core that touches Node's APIs
 * for the kernels; package.json maps the `#platform` import here under the `node` condition.
 */
import * as fs from 'fs';
import { createRequire } from 'module';
import * as os from 'os';
import * as path from 'path';
import type { Platform, PlatformWorker } from './types';

// Node modules loaded on first use, not with the package: worker_threads takes ~10 ms to load and
// v8 ~1.5 ms, and most programs never start a worker.
const load = createRequire(__filename);

/** Where node-gyp puts the addon: packages/core/build/Release (from src/platform or dist/platform). */
export const nativePath = path.join(__dirname, '..', '..', 'build', 'Release', 'tapegrad_native.node');

/**
 * Where the build puts a WASM module: packages/core/dist/wasm/<module>.wasm. The same relative
 * path works from the sources (src/platform, under jest and ts-node) and the build (dist/platform).
 *
 * @example
 * fs.existsSync(wasmPath('kernels')); // true after `npm run build`
 */
export function wasmPath(module: string): string {
  return path.resolve(__dirname, '..', '..', 'dist', 'wasm', `${module}.wasm`);
}

/**
 * Loads a Node addon from `file`: its exports, or null and why.
 *
 * @example
 * loadAddonFrom('/nowhere.node').reason; // 'not built (/nowhere.node is missing)'
 */
export function loadAddonFrom(file: string): { exports: unknown; reason: string } {
  if (!fs.existsSync(file)) return { exports: null, reason: `not built (${file} is missing)` };
  try {
    const mod = { exports: {} };
    process.dlopen(mod, file);
    return { exports: mod.exports, reason: '' };
  } catch (e) {
    return { exports: null, reason: `failed to load: ${(e as Error).message}` };
  }
}

// tapegrad's own code: <packages>/<pkg>/src|dist/…, in the monorepo and once installed alike.
const PACKAGES_ROOT = path.resolve(__dirname, '..', '..', '..');
const OWN_FILE = /^[^/\\]+[/\\](src|dist)[/\\]/;

/**
 * Whether `file` (from a stack frame) lies in one of tapegrad's packages, next to this one.
 *
 * @example
 * isOwnSourceFile(__filename); // true
 */
export function isOwnSourceFile(file: string): boolean {
  const rel = path.relative(PACKAGES_ROOT, file);
  return !rel.startsWith('..') && !path.isAbsolute(rel) && OWN_FILE.test(rel);
}

/** The Node.js platform. */
export const platform: Platform = {
  name: 'node',
  env: (name) => process.env[name],
  parallelism: () => os.availableParallelism?.() ?? os.cpus().length,
  wasmBytes(module) {
    const file = wasmPath(module);
    return fs.existsSync(file) ? fs.readFileSync(file) : null;
  },
  wasmLocation: wasmPath,
  wasmUrl: () => null,
  loadAddon: () => loadAddonFrom(nativePath),
  startWorker(body, data, onError): PlatformWorker {
    const { Worker } = load('worker_threads') as typeof import('worker_threads');
    const source = `const { workerData } = require('worker_threads');\n${body}`;
    const worker = new Worker(source, { eval: true, workerData: data });
    worker.on('error', onError);
    worker.unref();
    return worker;
  },
  setV8Flags: (flags) => (load('v8') as typeof import('v8')).setFlagsFromString(flags),
  startFlags: () => [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean)],
  resolveModule: (id) => load.resolve(id),
  ownSourceFile: isOwnSourceFile,
};
