/**
 * The one V8 setting tapegrad changes, and why.
 *
 * Every typed array longer than 64 bytes has a backing store from malloc, and V8 frees those of
 * dead arrays on a background thread by default (concurrent ArrayBuffer sweeping). glibc's
 * malloc then serialises that thread's frees and the main thread's allocations on one lock, and
 * tapegrad allocates a typed array for nearly every op's output. Measured on this project's
 * 2-core VM: `new Float32Array(100)` took 5–7× as long with the concurrent sweeper (2.8 µs against
 * 0.4–0.6 µs, one process switching the flag), and a step of the spiral 2-10-3 MLP (figure C of
 * `npm run bench`) 2.3–2.8× as long (processes taking turns); the MNIST MLP (figure B, large
 * arrays) was unchanged. Sweeping on the main thread, as part of the garbage collection that
 * found the arrays dead, costs it less than the lock traffic.
 *
 * So tapegrad turns concurrent ArrayBuffer sweeping off (`v8.setFlagsFromString`; V8 reads the
 * flag at every collection) when its kernels start — on the first op, not when the package is
 * imported. It leaves the flag alone when the process was started with either form of it
 * (`node --concurrent-array-buffer-sweeping …`, or in NODE_OPTIONS), or when
 * TAPEGRAD_CONCURRENT_SWEEP=1. The flag is process-wide: it applies to every ArrayBuffer of the
 * program, tapegrad's or not.
 */
import { platform } from './index';

/** What tapegrad does about V8's ArrayBuffer sweeping (see the module comment). */
export type ArrayBufferSweeping = 'main-thread' | 'concurrent' | 'as-started';

/**
 * What tapegrad does about ArrayBuffer sweeping, given the environment and the process's start
 * flags: 'main-thread' (it turns concurrent sweeping off), 'concurrent' (TAPEGRAD_CONCURRENT_SWEEP
 * =1: V8's default kept) or 'as-started' (the flag was given when node started; left alone).
 *
 * @example
 * arrayBufferSweeping({}, []); // 'main-thread'
 * arrayBufferSweeping({ TAPEGRAD_CONCURRENT_SWEEP: '1' }, []); // 'concurrent'
 */
export function arrayBufferSweeping(
  env: Record<string, string | undefined> = { TAPEGRAD_CONCURRENT_SWEEP: platform.env('TAPEGRAD_CONCURRENT_SWEEP') },
  startFlags: readonly string[] = platform.startFlags(),
): ArrayBufferSweeping {
  const given = [...startFlags, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (given.some((a) => /^--(no-)?concurrent[-_]array[-_]buffer[-_]sweeping$/.test(a))) return 'as-started';
  const v = env.TAPEGRAD_CONCURRENT_SWEEP;
  if (v === undefined || v === '' || v === '0') return 'main-thread';
  if (v === '1') return 'concurrent';
  throw new Error(
    `TAPEGRAD_CONCURRENT_SWEEP must be 0 or 1 (1 keeps V8's concurrent ArrayBuffer sweeping), got '${v}'`,
  );
}

/** What tapegrad decided about V8 (see the module comment); applied when the kernels start. */
export const v8Settings: { readonly arrayBufferSweeping: ArrayBufferSweeping } = Object.freeze({
  arrayBufferSweeping: arrayBufferSweeping(),
});

let applied = false;

/**
 * Applies {@link v8Settings} once (later calls do nothing); the kernel layer calls it when it
 * starts. Returns whether the flag was changed by this call.
 *
 * @example
 * applyV8Settings(); // true the first time, when arrayBufferSweeping() is 'main-thread'
 */
export function applyV8Settings(): boolean {
  if (applied) return false;
  applied = true;
  if (v8Settings.arrayBufferSweeping !== 'main-thread') return false;
  platform.setV8Flags('--no-concurrent-array-buffer-sweeping');
  return true;
}
