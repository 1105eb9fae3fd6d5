import { INSPECT, Tensor, ValueError, describe } from '@tapegrad/core';
import { StateDictError } from './errors';

/**
 * What `loadStateDict` accepts: a `Map` (what `stateDict()` returns), an Immutable map, a plain
 * object, or `[name, tensor]` pairs.
 */
export type StateDictInput =
  | ReadonlyMap<string, Tensor>
  | { entries(): IterableIterator<[string, Tensor]> }
  | Iterable<readonly [string, Tensor]>
  | Readonly<Record<string, Tensor>>;

/**
 * A module's state: a plain `Map` from dotted name to tensor, in the module's order, as
 * PyTorch's `state_dict()` is an ordered dict. `get`, `keys()`, `for … of`, `Object.fromEntries`
 * work as on any Map; `toObject()` gives a plain object.
 *
 * @example
 * const sd = model.stateDict();
 * sd.get('fc.weight')!.shape; [...sd.keys()]; sd.toObject()['fc.bias'];
 */
export class StateDict extends Map<string, Tensor> {
  /**
   * The entries as a plain object, in order.
   *
   * @example
   * Object.keys(model.stateDict().toObject()); // ['fc.weight', 'fc.bias']
   */
  toObject(): { [name: string]: Tensor } {
    return Object.fromEntries(this);
  }

  /** `JSON.stringify(sd)`: `{ name: { dtype, shape, data } }`. */
  toJSON(): { [name: string]: Tensor } {
    return this.toObject();
  }

  /** `console.log(sd)`: one `name: tensor(…)` per line. */
  [INSPECT](): string {
    const lines = [...this].map(([k, t]) => {
      const head = `  '${k}': `;
      return head + String(t).replace(/\n/g, `\n${' '.repeat(head.length)}`);
    });
    return `StateDict(${this.size}) {${lines.length ? `\n${lines.join(',\n')}\n` : ''}}`;
  }
}

/**
 * The `[key, value]` pairs of a Map, an Immutable map, a list of pairs or a plain object, in
 * order; anything else (null, a number, a tensor) is a ValueError naming `who` and `what`.
 *
 * @example
 * entriesOf('load', 'state', { a: 1 }); // [['a', 1]]
 * entriesOf('load', 'state', null); // ValueError: load: state must be a Map or an object, got null
 */
export function entriesOf<V>(who: string, what: string, x: unknown): [string, V][] {
  if (x === null || typeof x !== 'object' || x instanceof Tensor || ArrayBuffer.isView(x)) {
    throw new ValueError(`${who}: ${what} must be a Map or an object, got ${describe(x)}`);
  }
  const maybe = x as { entries?: unknown; [Symbol.iterator]?: unknown };
  let pairs: unknown[];
  if (typeof maybe.entries === 'function' && !Array.isArray(x)) {
    pairs = [...(maybe.entries as () => Iterable<unknown>).call(x)];
  } else if (typeof maybe[Symbol.iterator] === 'function') {
    pairs = [...(x as Iterable<unknown>)];
  } else return Object.entries(x) as [string, V][];
  return pairs.map((e, i) => {
    if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== 'string') {
      throw new ValueError(`${who}: ${what} entry ${i} must be a [name, value] pair, got ${describe(e)}`);
    }
    return [e[0], e[1] as V];
  });
}

/**
 * The `[name, tensor]` pairs of any {@link StateDictInput}, in its order; null, a non-map, or a
 * value that is not a Tensor is a ValueError naming `who` and the entry.
 *
 * @example
 * toEntries({ w: zeros([2]) }); // [['w', tensor]]
 * toEntries(model.stateDict()); // the Map's entries
 */
export function toEntries(sd: StateDictInput, who = 'loadStateDict'): [string, Tensor][] {
  const entries = entriesOf<unknown>(who, 'stateDict', sd);
  for (const [k, v] of entries) {
    if (!(v instanceof Tensor)) throw new ValueError(`${who}: stateDict['${k}'] must be a Tensor, got ${describe(v)}`);
  }
  return entries as [string, Tensor][];
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
