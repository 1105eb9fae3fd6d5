import { INSPECT, type Tensor } from '@tapegrad/core';

/** Hyper-parameters every optimiser has. */
export interface BaseOptions {
  lr: number;
}

/** The members of a {@link ParamGroup} besides its options. */
export interface ParamGroupCore<O> {
  /** The group's tensors, in order. */
  readonly params: readonly Tensor[];
  /** Their names (the optimiser's state keys), in the same order. */
  readonly names: readonly string[];
  /** The group's hyper-parameters, a frozen object replaced on every change. */
  readonly options: Readonly<O>;
  /**
   * Changes several options at once, checked together (nothing changes if one is invalid).
   * Each option is also a property: `group.lr = 0.01` is `group.set({ lr: 0.01 })`.
   */
  set(patch: Partial<O>): void;
}

/**
 * One parameter group of an optimiser (PyTorch's `param_groups[i]`): its tensors and its own
 * hyper-parameters. Every option is a validated property, so `opt.paramGroups[1].lr = 1e-4`
 * works as in PyTorch and `opt.paramGroups[0].momentum = -1` is a ValueError.
 *
 * @example
 * const opt = new SGD([{ params: body.parameters() }, { params: head.parameters(), lr: 0.1 }], { lr: 0.01 });
 * opt.paramGroups[1].lr; // 0.1
 */
export type ParamGroup<O> = ParamGroupCore<O> & O;

/**
 * @internal Makes a {@link ParamGroup}; `check` validates a whole candidate option set (it
 * returns the normalised options or throws).
 */
export function makeParamGroup<O extends BaseOptions>(
  names: readonly string[],
  params: readonly Tensor[],
  options: O,
  check: (candidate: O) => O,
): ParamGroup<O> {
  let current: Readonly<O> = Object.freeze({ ...options });
  const group = {
    params: Object.freeze([...params]),
    names: Object.freeze([...names]),
    get options(): Readonly<O> {
      return current;
    },
    set(patch: Partial<O>): void {
      current = Object.freeze(check({ ...current, ...patch }));
    },
    [INSPECT](): string {
      return describeGroup(group as ParamGroupCore<O>);
    },
  };
  for (const key of Object.keys(options) as (keyof O & string)[]) {
    Object.defineProperty(group, key, {
      enumerable: true,
      get: () => current[key],
      set: (v: O[keyof O]) => group.set({ [key]: v } as unknown as Partial<O>),
    });
  }
  return group as unknown as ParamGroup<O>;
}

/**
 * A group as text: its parameter names and options, one per line (PyTorch's optimiser repr).
 *
 * @example
 * describeGroup(opt.paramGroups[0]); // '    params: weight, bias\n    lr: 0.1\n    momentum: 0.9'
 */
export function describeGroup(group: ParamGroupCore<object>, indent = '    '): string {
  const names = group.names.length > 6 ? [...group.names.slice(0, 5), '…'] : group.names;
  const n = group.names.length;
  const lines = [`params: ${names.join(', ')} (${n} tensor${n === 1 ? '' : 's'})`];
  for (const [k, v] of Object.entries(group.options)) lines.push(`${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : v}`);
  return lines.map((l) => indent + l).join('\n');
}
