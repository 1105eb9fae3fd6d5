// Default imports are the modules themselves (not namespace copies), so the wrappers below
// replace their members for every user.
import v8 from 'v8';
import workerThreads from 'worker_threads';

// Importing tapegrad does no work: no WASM compiled, no addon loaded, no thread started, no V8
// flag set. The counters wrap the engine's and Node's own entry points, and a fresh copy of the
// package is loaded for each test (jest.isolateModules).
type Core = typeof import('../src');

// The lib this project compiles against does not declare the WebAssembly namespace.
const wasm = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } }).WebAssembly;
const counts = { compile: 0, dlopen: 0, workers: 0, flags: 0 };
const originals = {
  Module: wasm.Module,
  dlopen: process.dlopen,
  Worker: workerThreads.Worker,
  setFlagsFromString: v8.setFlagsFromString,
};

beforeAll(() => {
  wasm.Module = new Proxy(originals.Module, {
    construct(target, args) {
      counts.compile++;
      return Reflect.construct(target, args);
    },
  });
  process.dlopen = (...args: Parameters<typeof process.dlopen>) => {
    counts.dlopen++;
    return originals.dlopen(...args);
  };
  (workerThreads as { Worker: unknown }).Worker = new Proxy(originals.Worker, {
    construct(target, args) {
      counts.workers++;
      return Reflect.construct(target, args);
    },
  });
  (v8 as { setFlagsFromString: unknown }).setFlagsFromString = (flags: string) => {
    counts.flags++;
    originals.setFlagsFromString(flags);
  };
});

afterAll(() => {
  wasm.Module = originals.Module;
  process.dlopen = originals.dlopen;
  (workerThreads as { Worker: unknown }).Worker = originals.Worker;
  (v8 as { setFlagsFromString: unknown }).setFlagsFromString = originals.setFlagsFromString;
});

async function freshCore(): Promise<Core> {
  let core: Core | null = null;
  await jest.isolateModulesAsync(async () => {
    core = await import('../src');
  });
  return core!;
}

beforeEach(() => Object.assign(counts, { compile: 0, dlopen: 0, workers: 0, flags: 0 }));

const mode = process.env.TAPEGRAD_BACKEND ?? '';

test('importing the package compiles no WASM, loads no addon, starts no thread and sets no V8 flag', async () => {
  const core = await freshCore();
  expect(typeof core.kernels).toBe('function');
  expect(counts).toEqual({ compile: 0, dlopen: 0, workers: 0, flags: 0 });
  // Tensors can be made without starting the kernels.
  core.tensor([1, 2, 3]);
  expect(counts).toEqual({ compile: 0, dlopen: 0, workers: 0, flags: 0 });
});

test('the first kernel call starts the default backend (and the counters see it)', async () => {
  const core = await freshCore();
  const y = core.tensor([1, 2, 3]).add(1);
  expect(Array.from(y.data)).toEqual([2, 3, 4]);
  expect(counts.compile).toBe(mode === 'js' ? 0 : 1);
  expect(counts.dlopen).toBe(mode === 'js' || mode === 'wasm' || core.nativeUnavailableReason() !== '' ? 0 : 1);
  expect(counts.flags).toBe(core.v8Settings.arrayBufferSweeping === 'main-thread' ? 1 : 0);
  expect(counts.workers).toBe(0); // the pool starts with the first large product
});

test('setBackend before any kernel call starts nothing, and restoring the default starts it only when used', async () => {
  const core = await freshCore();
  const prev = core.setBackend(core.jsBackend);
  core
    .ones([4, 4])
    .matmul(core.ones([4, 4]))
    .sum();
  expect(counts.compile + counts.dlopen + counts.workers).toBe(0);
  core.setBackend(prev);
  expect(counts.compile + counts.dlopen + counts.workers).toBe(0);
  expect(core.kernels().name).toBe(prev.name);
  expect(counts.compile).toBe(mode === 'js' ? 0 : 1);
});

test('the WASM thread pool (its module, memory and workers) starts with the first product large enough to split', async () => {
  const core = await freshCore();
  const name = core.kernels().name;
  if (!/^wasm.*\+\d+threads$/.test(name)) {
    console.log(`no WASM thread pool in this configuration (${name}): nothing to check`);
    return;
  }
  const compiled = counts.compile;
  core.ones([8, 8]).matmul(core.ones([8, 8]));
  expect(counts.compile).toBe(compiled);
  expect(counts.workers).toBe(0);
  core.ones([128, 128]).matmul(core.ones([128, 128]));
  expect(counts.compile).toBe(compiled + 1);
  expect(counts.workers).toBe(core.threadCount() - 1);
});
