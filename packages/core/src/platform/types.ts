/**
 * What the kernels need from the JavaScript runtime they run in, and nothing more: environment
 * settings, the core count, the bytes (or URLs) of the bundled WASM modules, the native addon,
 * worker threads and V8 flags. `platform/node.ts` implements it for Node.js and
 * `platform/browser.ts` for browsers; package.json's `#platform` import picks one by its
 * `node`/`browser` conditions, and no kernel changes.
 */

/** A worker thread started by {@link Platform.startWorker}. */
export interface PlatformWorker {
  /** Stops the worker; resolves to its exit code. */
  terminate(): Promise<number>;
}

/** The runtime services the kernel layer uses (see the module comment). */
export interface Platform {
  /** The runtime's name, for messages: `node`, `browser`. */
  readonly name: string;
  /** A setting from the environment (`process.env` in Node.js), or undefined. */
  env(name: string): string | undefined;
  /** How many threads can run at once on this machine. */
  parallelism(): number;
  /**
   * The bytes of a bundled WASM module (`kernels`, `kernels-mt`, `kernels-fma`, …), or null
   * when it is not there; `wasmLocation` says where it was looked for.
   */
  wasmBytes(module: string): Uint8Array | null;
  /** Where {@link Platform.wasmBytes} looks for a module, for messages. */
  wasmLocation(module: string): string;
  /**
   * Where a module is fetched from when its bytes are not at hand synchronously (a browser: a
   * URL the bundler resolved, fetched and compiled by `ready()`); null where `wasmBytes` reads
   * them (Node.js).
   */
  wasmUrl(module: string): string | null;
  /** Loads the native addon: its exports, or null and why (not built, failed to load). */
  loadAddon(): { exports: unknown; reason: string };
  /**
   * Starts a worker running `body`, a script in which `workerData` is the (structured-cloned)
   * `data`; `onError` is called if it fails. The worker never keeps the process alive.
   */
  startWorker(body: string, data: object, onError: () => void): PlatformWorker;
  /** Sets V8 flags at run time (ignored where the runtime has no such thing). */
  setV8Flags(flags: string): void;
  /** The runtime flags the process was started with (Node's execArgv and NODE_OPTIONS). */
  startFlags(): readonly string[];
  /**
   * Where package `id` loads from; throws when it is not installed. (In a browser the bundler
   * resolved every import when it built the page, so it returns `id`.)
   */
  resolveModule(id: string): string;
  /** Whether a stack frame's file is tapegrad's own code (its sources or build), for anomaly mode. */
  ownSourceFile(file: string): boolean;
}
