/**
 * What field scanning cannot see: parameters and modules kept inside a Map, a Set, a plain
 * object or a nested array of a module's field. `Module` registers only a field that holds a
 * Parameter or a Module (or a flat array of them), as PyTorch registers only attributes, so
 * these would silently be missing from `parameters()`, the state dict and the optimiser;
 * `Module.namedModules` refuses them unless they are registered some other way.
 */

/** A parameter or module found inside a container, with the path that reaches it. */
export interface HiddenEntry<E> {
  /** Like `extra.get("head")`, `cfg.encoder`, `blocks[0][1]`. */
  readonly path: string;
  readonly value: E;
  /** 'a Map', 'a Set', 'a plain object' or 'a nested array'. */
  readonly container: string;
}

const MAX_DEPTH = 4;

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Every entry (`isEntry`) that `mod`'s fields hold inside containers, to depth 4. Entries held
 * directly by a field, or as items of an array field, are registered and not listed.
 *
 * @example
 * hiddenEntries(net, (v) => v instanceof Module || v instanceof Parameter); // [{ path: 'extra.get("head")', … }]
 */
export function hiddenEntries<E>(mod: object, isEntry: (v: unknown) => v is E): HiddenEntry<E>[] {
  const out: HiddenEntry<E>[] = [];
  const seen = new Set<object>();
  const scan = (v: unknown, path: string, container: string, depth: number): void => {
    if (typeof v !== 'object' || v === null || seen.has(v) || depth > MAX_DEPTH) return;
    if (isEntry(v)) {
      out.push({ path, value: v, container });
      return;
    }
    seen.add(v);
    if (Array.isArray(v)) v.forEach((e, i) => scan(e, `${path}[${i}]`, container || 'a nested array', depth + 1));
    else if (v instanceof Map)
      v.forEach((e, k) => scan(e, `${path}.get(${JSON.stringify(k) ?? String(k)})`, 'a Map', depth + 1));
    else if (v instanceof Set) [...v].forEach((e, i) => scan(e, `${path} (Set item ${i})`, 'a Set', depth + 1));
    else if (isPlainObject(v)) {
      for (const [k, e] of Object.entries(v)) scan(e, `${path}.${k}`, container || 'a plain object', depth + 1);
    }
  };
  const self = mod as Record<string, unknown>;
  for (const key of Object.keys(mod)) {
    const v = self[key];
    if (typeof v !== 'object' || v === null || isEntry(v)) continue;
    // Items of an array field are registered (`key.0` …); arrays inside it are not.
    if (Array.isArray(v)) v.forEach((e, i) => !isEntry(e) && scan(e, `${key}[${i}]`, '', 1));
    else scan(v, key, '', 0);
  }
  return out;
}
