/**
 * The bad-input suite's model. A case is one call of a public entry point with generated
 * arguments; it either must return a correct value (valid arguments, compared with the float64
 * reference), or must throw one of tapegrad's typed errors whose message names the function and
 * the argument (one argument replaced by junk), or — where a junk value happens to be valid —
 * either. Suites list entries; the runner (runner.ts) runs every case in a child process under a
 * timeout, so a hang is reported as the case that hung.
 */
import fc from 'fast-check';
import { Tensor, TapegradError } from '@tapegrad/core';
import type { Nd } from './reference';

/** What a case must do. */
export type Outcome = 'value' | 'error' | 'either';

export interface Case {
  /** Shown when the case fails or hangs. */
  readonly description: string;
  readonly fn: string;
  /** The function a typed error's message must name: `fn`, or one of these when given (a layer's forward reports the op it checks with, e.g. `conv2d`). */
  readonly callers?: readonly string[];
  /** The argument: a typed error's message must contain one of these. */
  readonly names: readonly string[];
  readonly expect: Outcome;
  run(): unknown;
  /** Throws when a returned value is wrong. */
  check?(result: unknown): void;
}

export interface Entry {
  readonly fn: string;
  readonly arb: fc.Arbitrary<Case>;
  /** Cases generated for this entry (fast-check's numRuns). */
  readonly runs: number;
}

export interface Suite {
  readonly name: string;
  readonly entries: readonly Entry[];
}

/** One parameter of a function entry and the junk that replaces it. */
export interface Param {
  readonly name: string;
  /** Other words a message may use for it ("option" for options, "spec" for slice specs …). */
  readonly aliases?: readonly string[];
  readonly junk: fc.Arbitrary<unknown>;
}

/** The argument list an arbitrary of argument lists generates. */
export type ArgsOf<V> = V extends fc.Arbitrary<infer T extends unknown[]> ? T : never;

/** A short description of an argument for a failure report. */
export function show(v: unknown): string {
  if (v instanceof Tensor)
    return `Tensor(${v.dtype} [${v.shape.join(',')}] ${JSON.stringify(Array.from(v.data).slice(0, 8))})`;
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'symbol') return 'a symbol';
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<number>).length})`;
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** |got − want| ≤ 1e-5·max(1, |want|) elementwise, NaN matching NaN; shapes equal. */
export function expectClose(fn: string, got: unknown, want: Nd | number, tol = 1e-5): void {
  if (typeof want === 'number') {
    if (typeof got !== 'number' || !closeTo(got, want, tol))
      throw new Error(`${fn}: returned ${show(got)}, expected ${want}`);
    return;
  }
  if (!(got instanceof Tensor)) throw new Error(`${fn}: returned ${show(got)}, expected a Tensor`);
  if (got.shape.join() !== want.shape.join() || got.ndim !== want.shape.length) {
    throw new Error(`${fn}: returned shape [${got.shape}], expected [${want.shape}]`);
  }
  want.data.forEach((w, i) => {
    if (!closeTo(got.data[i], w, tol)) throw new Error(`${fn}: element ${i} is ${got.data[i]}, expected ${w}`);
  });
}

function closeTo(a: number, b: number, tol: number): boolean {
  if (Number.isNaN(b)) return Number.isNaN(a);
  if (!Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}

/**
 * An entry for a function: valid argument lists from `valid` (checked against `reference`, which
 * returns the expected value or undefined when the case has none to compare), and the same with
 * one argument replaced by that parameter's junk. `accepts(i, v)` says when a junk value is in
 * fact a valid argument (undefined for an optional one …): such a case may return (then checked
 * when the reference can) or throw a typed error.
 *
 * @example
 * entry({ fn: 'exp', params: [X], valid: floatTensor.map((x) => [x]), call: exp, reference: (x) => elementwise(Math.exp, nd(x)) });
 */
export function entry<V extends fc.Arbitrary<unknown[]>>(spec: {
  fn: string;
  params: readonly Param[];
  valid: V;
  call(...args: ArgsOf<V>): unknown;
  reference?(...args: ArgsOf<V>): Nd | number | undefined;
  accepts?(i: number, v: unknown, args: ArgsOf<V>): boolean;
  /** Other names of the function an error may give (see {@link Case.callers}). */
  callers?: readonly string[];
  tol?: number;
  runs?: number;
}): Entry {
  type A = ArgsOf<V>;
  const { fn, params } = spec;
  const describeCall = (args: unknown[]): string => `${fn}(${args.map(show).join(', ')})`;
  const checked = (args: A): ((r: unknown) => void) => {
    return (r) => {
      let want: Nd | number | undefined;
      try {
        want = spec.reference?.(...args);
      } catch {
        want = undefined;
      }
      if (want !== undefined) expectClose(fn, r, want, spec.tol);
    };
  };
  const arbArgs = spec.valid as unknown as fc.Arbitrary<A>;
  const valid = arbArgs.map((args): Case => ({
    description: describeCall(args),
    fn,
    names: [],
    expect: 'value',
    run: () => spec.call(...args),
    check: checked(args),
  }));
  const junk = fc
    .tuple(arbArgs, fc.nat(params.length - 1))
    .chain(([args, i]) => params[i].junk.map((j) => ({ args, i, j })))
    .map(({ args, i, j }): Case => {
      const bad = [...args] as A;
      bad[i] = j;
      const ok = spec.accepts?.(i, j, bad) ?? false;
      return {
        description: `${describeCall(bad)} [junk ${params[i].name}]`,
        fn,
        callers: spec.callers === undefined ? undefined : [fn, ...spec.callers],
        names: [params[i].name, ...(params[i].aliases ?? [])],
        expect: ok ? 'either' : 'error',
        run: () => spec.call(...bad),
        check: ok ? checked(bad) : undefined,
      };
    });
  return { fn, arb: fc.oneof({ arbitrary: valid, weight: 1 }, { arbitrary: junk, weight: 3 }), runs: spec.runs ?? 40 };
}

/**
 * Runs one case: throws a description of what went wrong (a raw JS error, a typed error that
 * names neither the function nor the argument, a missing error, a wrong value).
 */
export async function runCase(c: Case): Promise<void> {
  let result: unknown;
  try {
    result = await c.run();
  } catch (e) {
    if (!(e instanceof TapegradError)) {
      throw new Error(`${c.description}: raw ${(e as Error)?.name ?? typeof e}: ${(e as Error)?.message ?? String(e)}`);
    }
    if (c.expect === 'value') throw new Error(`${c.description}: valid arguments, but ${e.name}: ${e.message}`);
    const msg = e.message;
    const callers = c.callers ?? [c.fn];
    if (!callers.some((f) => msg.includes(f)))
      throw new Error(`${c.description}: ${e.name} does not name ${callers.join(' or ')}: ${msg}`);
    if (c.names.length > 0 && !c.names.some((n) => msg.includes(n))) {
      throw new Error(`${c.description}: ${e.name} names none of ${c.names.join(', ')}: ${msg}`);
    }
    return;
  }
  if (c.expect === 'error') throw new Error(`${c.description}: junk accepted, returned ${show(result)}`);
  c.check?.(result);
}
