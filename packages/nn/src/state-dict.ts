import type { Tensor } from '@tapegrad/core';
import { StateDictError } from './errors';

/** What `loadStateDict` accepts: an (Ordered)Map, a plain record, or `[name, tensor]` pairs. */
export type StateDictInput =
  | ReadonlyMap<string, Tensor>
  | { entries(): IterableIterator<[string, Tensor]> }
  | Iterable<readonly [string, Tensor]>
  | Readonly<Record<string, Tensor>>;

/**
 * The `[name, tensor]` pairs of any {@link StateDictInput}, in its order.
 *
 * @example
 * toEntries({ w: zeros([2]) }); // [['w', tensor]]
 * toEntries(model.stateDict()); // OrderedMap entries
 */
export function toEntries(sd: StateDictInput): [string, Tensor][] {
  const maybe = sd as { entries?: unknown; [Symbol.iterator]?: unknown };
  if (typeof maybe.entries === 'function') {
    return [...(maybe.entries as () => Iterable<[string, Tensor]>).call(sd)];
  }
  if (typeof maybe[Symbol.iterator] === 'function') {
    return [...(sd as Iterable<readonly [string, Tensor]>)].map(([k, v]) => [k, v]);
  }
  return Object.entries(sd as Record<string, Tensor>);
}

/** Shape and dtype, all {@link checkStateDict} needs of a target. */
export interface TensorSpec {
  readonly shape: readonly number[];
  readonly dtype: string;
}

const fmt = (t: TensorSpec): string => `[${t.shape.join(',')}] ${t.dtype}`;

/**
 * Compares `entries` against `targets`; throws one {@link StateDictError} listing every missing
 * name (when `strict`), every unexpected name (when `strict`) and every shape/dtype mismatch.
 *
 * @example
 * checkStateDict('load', model.namedParameters(), toEntries(sd), true);
 * checkStateDict('load', new Map([['w', zeros([2])]]), [['w', zeros([3])]], true); // throws
 */
export function checkStateDict(
  who: string,
  targets: { get(name: string): TensorSpec | undefined; keys(): Iterable<string> },
  entries: readonly (readonly [string, TensorSpec])[],
  strict: boolean,
): void {
  const given = new Set(entries.map(([k]) => k));
  const missing = strict ? [...targets.keys()].filter((k) => !given.has(k)) : [];
  const unexpected: string[] = [];
  const mismatched: string[] = [];
  for (const [name, t] of entries) {
    const p = targets.get(name);
    if (p === undefined) {
      if (strict) unexpected.push(name);
      continue;
    }
    const same = p.dtype === t.dtype && p.shape.length === t.shape.length && p.shape.every((d, i) => d === t.shape[i]);
    if (!same) mismatched.push(`${name}: expected ${fmt(p)}, got ${fmt(t)}`);
  }
  if (missing.length + unexpected.length + mismatched.length === 0) return;
  const parts: string[] = [];
  if (missing.length) parts.push(`${missing.length} missing (${missing.join(', ')})`);
  if (unexpected.length) parts.push(`${unexpected.length} unexpected (${unexpected.join(', ')})`);
  if (mismatched.length) parts.push(`${mismatched.length} mismatched (${mismatched.join('; ')})`);
  throw new StateDictError(`${who}: ${parts.join('; ')}`, missing, unexpected, mismatched);
}
