import { OrderedMap } from 'immutable';
import { Tensor, ValueError, describe } from '@tapegrad/core';

/** Tensors to optimise: Parameters (or leaves that require grad), or a map of named ones. */
export type TensorsInput = Iterable<Tensor> | ReadonlyMap<string, Tensor> | OrderedMap<string, Tensor>;

/** One parameter group as given to an optimiser: its tensors and any options of its own. */
export type ParamGroupInput<O> = { params: TensorsInput } & Partial<O>;

/**
 * What an optimiser optimises: tensors, a named map, or a list of parameter groups each with
 * its own options (PyTorch's `[{ params, lr }, …]`).
 */
export type ParamsInput<O = object> = TensorsInput | readonly ParamGroupInput<O>[];

/** @internal A group as parsed: named tensors plus the options given for it. */
export interface ParsedGroup {
  entries: [string, Tensor][];
  options: { [key: string]: unknown };
  /** `paramGroups[i].` when the groups were given as a list, else '' (prefixes option names in errors). */
  prefix: string;
}

function isMap(v: unknown): v is ReadonlyMap<string, Tensor> {
  return (
    typeof (v as { get?: unknown })?.get === 'function' && typeof (v as { entries?: unknown }).entries === 'function'
  );
}

function isGroupObject(v: unknown): v is ParamGroupInput<object> {
  return v !== null && typeof v === 'object' && !(v instanceof Tensor) && 'params' in v;
}

function listTensors(who: string, what: string, v: unknown): [string | null, unknown][] {
  if (isMap(v)) return [...v.entries()];
  if (v === null || typeof v !== 'object' || !(Symbol.iterator in v) || v instanceof Tensor) {
    throw new ValueError(
      `${who}: ${what} must be an iterable of tensors or a Map of named tensors, got ${describe(v)}`,
    );
  }
  return [...new Set(v as Iterable<unknown>)].map((t) => [null, t]);
}

/**
 * Splits an optimiser's `params` argument into groups and names every tensor: by the keys of a
 * map, else by `name` when no other tensor has it (`Module.parameters()` sets the dotted name),
 * else by its position across all groups. `existing` holds the parameters already named (addParamGroup),
 * and `firstGroup` is the index the first parsed group will have.
 *
 * @example
 * parseParams('SGD', [{ params: [a], lr: 0.1 }, { params: [b] }], new Set()); // 2 groups
 * parseParams('SGD', model.parameters(), new Set()); // 1 group, no options
 */
export function parseParams(
  who: string,
  params: unknown,
  existing: ReadonlyMap<string, Tensor>,
  firstGroup = 0,
): ParsedGroup[] {
  let raw: { tensors: [string | null, unknown][]; options: { [key: string]: unknown }; what: string; prefix: string }[];
  const items = params !== null && typeof params === 'object' && !isMap(params) && Symbol.iterator in params;
  const list = items ? [...(params as Iterable<unknown>)] : null;
  if (list !== null && list.length > 0 && list.every(isGroupObject)) {
    raw = (list as ParamGroupInput<object>[]).map((g, i) => {
      const { params: tensors, ...options } = g;
      const what = `paramGroups[${firstGroup + i}].params`;
      return { tensors: listTensors(who, what, tensors), options, what, prefix: `paramGroups[${firstGroup + i}].` };
    });
  } else {
    raw = [{ tensors: listTensors(who, 'params', params), options: {}, what: 'params', prefix: '' }];
  }
  const all = raw.flatMap((g) => g.tensors.map(([, t]) => t));
  const seen = new Set<unknown>(existing.values());
  for (const t of all) {
    if (seen.has(t)) throw new ValueError(`${who}: a parameter appears in more than one parameter group`);
    seen.add(t);
  }
  const nameCount = new Map<string, number>();
  for (const t of all) {
    if (t instanceof Tensor && t.name !== null) nameCount.set(t.name, (nameCount.get(t.name) ?? 0) + 1);
  }
  const used = new Set(existing.keys());
  let position = existing.size;
  return raw.map(({ tensors, options, what, prefix }) => {
    if (tensors.length === 0) throw new ValueError(`${who}: ${what} is an empty parameter list`);
    const entries = tensors.map(([key, t], i): [string, Tensor] => {
      if (!(t instanceof Tensor) || !t.requiresGrad || !t.isLeaf) {
        throw new ValueError(
          `${who}: ${what}[${key ?? i}] must be a leaf tensor that requires grad (a Parameter), got ${describe(t)}`,
        );
      }
      const own = t.name !== null && nameCount.get(t.name) === 1 && !used.has(t.name) ? t.name : null;
      const name = key ?? own ?? String(position);
      position++;
      if (used.has(name)) throw new ValueError(`${who}: two parameters are named '${name}'`);
      used.add(name);
      return [name, t];
    });
    return { entries, options, prefix };
  });
}
