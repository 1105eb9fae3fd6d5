/**
 * The one dispatch rule. An accelerated backend is a base backend (ultimately the JS reference)
 * with some kernels replaced by `Accelerated` versions, each behind a gate on dtype and size:
 *
 *     gate(args) && run(args)  ||  base(args)
 *
 * `gate` is cheap and pure (float32? large enough?); `run` does the work and may still decline
 * by returning false — when the operands do not fit its memory — and then the base kernel runs.
 * Kernels without an accelerated version are the base's own functions, untouched. Both are
 * plain functions (they are called without `this`).
 */
import type { TypedArray } from '../dtype';
import type { GemmArgs, KernelBackend, KernelName } from './backend';

/** An accelerated version of kernel K (see the module comment). */
export interface Accelerated<K extends KernelName> {
  /** Whether this version should take the call: dtype and size only, no side effects. */
  gate(...args: Parameters<KernelBackend[K]>): boolean;
  /** Does the work and returns true, or returns false having written nothing. */
  run(...args: Parameters<KernelBackend[K]>): boolean;
}

/** The accelerated kernels of one backend. */
export type Accelerations = { [K in KernelName]?: Accelerated<K> };

type AnyKernel = (...args: unknown[]) => void;
type AnyPredicate = (...args: unknown[]) => boolean;

// A fixed-arity forwarder (no kernel takes more than 8 arguments) keeps the hot path free of rest
// arrays and spreads; extra arguments arrive as undefined and are ignored.
function route(gate: AnyPredicate, run: AnyPredicate, base: AnyKernel): AnyKernel {
  return (a, b, c, d, e, f, g, h) => {
    if (!(gate(a, b, c, d, e, f, g, h) && run(a, b, c, d, e, f, g, h))) base(a, b, c, d, e, f, g, h);
  };
}

/**
 * `base` with the kernels of `accelerated` layered over it by the dispatch rule, named `name`.
 *
 * @example
 * const be = layer('wasm', jsBackend, { unary: { gate: (k, a) => a instanceof Float32Array, run: wasmUnary } });
 */
export function layer(name: string, base: KernelBackend, accelerated: Accelerations): KernelBackend {
  const out: Record<string, unknown> = { ...base, name };
  for (const [kernel, acc] of Object.entries(accelerated) as [KernelName, Accelerated<KernelName>][]) {
    if (base[kernel].length > 8) throw new Error(`layer: ${kernel} takes more than 8 arguments; pass a record`);
    out[kernel] = route(acc.gate as AnyPredicate, acc.run as AnyPredicate, base[kernel] as AnyKernel);
  }
  return Object.freeze(out) as unknown as KernelBackend;
}

/** True when every array given is a Float32Array (the accelerated kernels are float32 only). */
export function allFloat32(a: TypedArray, b: TypedArray = a, c: TypedArray = a): boolean {
  return a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array;
}

/** GemmArgs whose operands are Float32Arrays (what an accelerated gemm's gate lets through). */
export type Float32GemmArgs = GemmArgs & { a: Float32Array; b: Float32Array; c: Float32Array };

/** The gate of an accelerated gemm: float32 operands and at least `minMacs` multiply-adds. */
export function float32Gemm(g: GemmArgs, minMacs: number): g is Float32GemmArgs {
  return allFloat32(g.a, g.b, g.c) && g.m * g.n * g.k >= minMacs;
}
