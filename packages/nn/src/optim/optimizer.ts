import { Map as IMap, OrderedMap } from 'immutable';
import {
  INSPECT,
  Tensor,
  type TypedArray,
  ValueError,
  checkOptions,
  full,
  incrementVersion,
  noGrad,
} from '@tapegrad/core';
import { type OptionSpec } from './option-checks';
import { type BaseOptions, type ParamGroup, describeGroup, makeParamGroup } from './param-group';
import { type ParamGroupInput, type ParamsInput, parseParams } from './param-input';
import {
  type OptimizerStateDict,
  type OptimizerStateDictInput,
  type ParamStateDict,
  checkOptimizerState,
  copyState,
} from './optimizer-state';

export type { BaseOptions, ParamGroup } from './param-group';
export type { ParamGroupInput, ParamsInput, TensorsInput } from './param-input';
export type {
  OptimizerStateDict,
  OptimizerStateDictInput,
  ParamStateDict,
  ParamGroupStateDict,
} from './optimizer-state';

/** One parameter's state inside an optimiser: buffers (same shape and dtype as it) and `step`. */
export type ParamState = IMap<string, Tensor | number>;

/**
 * What the Trainer, checkpoints and schedulers need of an optimiser (any {@link Optimizer}).
 *
 * @example
 * const opt: OptimizerLike = new Adam(model.parameters());
 * opt.lr = 1e-4;
 */
export interface OptimizerLike {
  readonly params: OrderedMap<string, Tensor>;
  readonly paramGroups: readonly ParamGroup<BaseOptions>[];
  lr: number;
  zeroGrad(): void;
  step(): void;
  stateDict(): OptimizerStateDict;
  loadStateDict(sd: OptimizerStateDictInput): void;
}

/**
 * Base of the optimisers. Parameters come in groups with their own hyper-parameters
 * (PyTorch's `param_groups`); each is named — by the keys of a map, by its `name` (which
 * `Module.parameters()` sets to the dotted name), or by position — and per-parameter state is
 * keyed by that name, so it serialises. Every hyper-parameter is validated wherever it enters:
 * the constructor, per-group options, `addParamGroup`, the `lr` and group setters, and
 * `loadStateDict`. `step()` updates parameter data in place from the typed arrays.
 *
 * @example
 * const opt = new SGD([{ params: base.parameters() }, { params: head.parameters(), lr: 0.1 }], { lr: 0.01 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export abstract class Optimizer<O extends BaseOptions = BaseOptions> {
  /** Per-parameter state by name (an Immutable map, replaced, never mutated, on each step). */
  state: OrderedMap<string, ParamState> = OrderedMap();
  /** The options a group gets for everything it does not set itself (PyTorch's `defaults`). */
  readonly defaults: Readonly<O>;
  readonly #groups: ParamGroup<O>[] = [];
  #params: OrderedMap<string, Tensor> = OrderedMap();
  readonly #spec: OptionSpec<O>;

  protected constructor(params: ParamsInput<O>, spec: OptionSpec<O>, defaults: O, options: unknown) {
    this.#spec = spec;
    const given = checkOptions(this.name, options, Object.keys(spec) as (keyof O & string)[]);
    const set = Object.entries(given).filter(([, v]) => v !== undefined);
    this.defaults = Object.freeze(this.validate(this.name, '', { ...defaults, ...Object.fromEntries(set) }));
    this.#addGroups(params, this.name);
  }

  /** The class name, used in every message (`SGD: lr must be …`). */
  protected get name(): string {
    return this.constructor.name;
  }

  /** All parameters by name, across groups, in order. */
  get params(): OrderedMap<string, Tensor> {
    return this.#params;
  }

  /** The parameter groups (PyTorch's `param_groups`); each option is a validated property. */
  get paramGroups(): readonly ParamGroup<O>[] {
    return this.#groups;
  }

  /** The first group's learning rate; setting it sets every group's (schedulers set groups). */
  get lr(): number {
    return this.#groups[0].lr;
  }

  set lr(value: number) {
    const lr = this.#spec.lr(this.name, 'lr', value);
    for (const g of this.#groups) g.set({ lr } as Partial<O>);
  }

  /**
   * Adds a group, PyTorch's `add_param_group`: options it leaves out come from `defaults`.
   *
   * @example
   * opt.addParamGroup({ params: newHead.parameters(), lr: 0.1 });
   * opt.paramGroups.length; // one more
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const who = `${this.name}.addParamGroup`;
    if (group === null || typeof group !== 'object' || !('params' in group)) {
      throw new ValueError(`${who}: expected { params, ...options }, got ${String(group)}`);
    }
    this.#addGroups([group], who);
  }

  #addGroups(params: unknown, who: string): void {
    const first = this.#groups.length;
    const parsed = parseParams(who, params, new Map(this.#params), first);
    const keys = Object.keys(this.#spec) as (keyof O & string)[];
    const groups = parsed.map(({ entries, options, prefix }, i) => {
      const own = checkOptions(prefix ? `${who}: ${prefix.slice(0, -1)}` : who, options, keys);
      const set = Object.entries(own).filter(([, v]) => v !== undefined);
      const opts = this.validate(who, prefix, { ...this.defaults, ...Object.fromEntries(set) });
      const check = (candidate: O): O => this.validate(this.name, `paramGroups[${first + i}].`, candidate);
      return makeParamGroup(
        entries.map(([n]) => n),
        entries.map(([, t]) => t),
        opts,
        check,
      );
    });
    this.#groups.push(...groups);
    this.#params = this.#params.withMutations((m) => {
      for (const { entries } of parsed) for (const [n, t] of entries) m.set(n, t);
    });
  }

  /** Checks every option with its checker (names prefixed, e.g. `paramGroups[1].lr`), then the group as a whole. */
  protected validate(fn: string, prefix: string, raw: object): O {
    const out: { [key: string]: unknown } = {};
    for (const key of Object.keys(this.#spec) as (keyof O & string)[]) {
      out[key] = this.#spec[key](fn, `${prefix}${key}`, (raw as { [key: string]: unknown })[key]);
    }
    this.checkGroup(fn, prefix, out as unknown as O);
    return out as unknown as O;
  }

  /** Constraints between options of one group (SGD's Nesterov needs momentum). */
  protected checkGroup(_fn: string, _prefix: string, _options: O): void {}

  /**
   * Clears every parameter's gradient.
   *
   * @example
   * opt.zeroGrad();
   * model.parameters()[0].grad; // null
   */
  zeroGrad(): void {
    for (const p of this.#params.values()) p.grad = null;
  }

  /**
   * Applies one update to every parameter that has a gradient, with its group's options. Each
   * write counts as a new version of the parameter, so a backward through a graph recorded
   * before the step fails (as in PyTorch) instead of returning gradients of other weights.
   *
   * @example
   * loss.backward();
   * opt.step();
   */
  step(): void {
    noGrad(() => {
      for (const group of this.#groups) {
        const options = group.options;
        group.names.forEach((name, i) => {
          const p = group.params[i];
          const g = p.grad;
          if (g === null) return;
          const prev = this.state.get(name) ?? IMap<string, Tensor | number>();
          const step = ((prev.get('step') as number | undefined) ?? 0) + 1;
          const s = this.update(p, g.data, this.#withSlots(prev, p, options), step, options);
          incrementVersion(p);
          this.state = this.state.set(name, s.set('step', step));
        });
      }
    });
  }

  /** Adds zero buffers for the slots `options` need that `state` lacks. */
  #withSlots(state: ParamState, p: Tensor, options: O): ParamState {
    const missing = this.slots(options).filter((s) => !state.has(s));
    if (missing.length === 0) return state;
    return state.withMutations((m) => {
      for (const slot of missing) m.set(slot, full(p.shape, 0, { dtype: p.dtype }));
    });
  }

  /** Buffers made as zeros before an update with these options (a subclass may make others itself). */
  protected abstract slots(options: O): readonly string[];

  /** Every buffer name this optimiser may keep (what `loadStateDict` accepts). */
  protected abstract knownSlots(): readonly string[];

  /** Updates `p.data` in place from `g` with a group's options; `step` counts from 1. Returns the state. */
  protected abstract update(p: Tensor, g: TypedArray, state: ParamState, step: number, options: O): ParamState;

  /**
   * A snapshot, PyTorch's layout: `paramGroups` (each group's options and parameter names) and
   * `state`, a plain `Map` from parameter name to `{ step, <buffer>: Tensor }` (copies).
   *
   * @example
   * const sd = opt.stateDict();
   * sd.state.get('fc.weight')?.step; // 3
   */
  stateDict(): OptimizerStateDict {
    const state = new Map<string, ParamStateDict>();
    this.state.forEach((s, name) => state.set(name, copyState(Object.fromEntries(s.entries()))));
    return {
      type: this.name,
      paramGroups: this.#groups.map((g) => ({ ...JSON.parse(JSON.stringify(g.options)), params: [...g.names] })),
      state,
    };
  }

  /**
   * Restores a snapshot made by {@link Optimizer.stateDict} of the same optimiser type over the
   * same groups of parameter names. Options are validated as everywhere else; state problems
   * are listed in one StateDictError. Nothing changes unless everything checks out.
   *
   * @example
   * opt.loadStateDict(saved.stateDict());
   * opt.step(); // continues where `saved` left off
   */
  loadStateDict(sd: OptimizerStateDictInput): void {
    const who = `${this.name}.loadStateDict`;
    const { groups, state } = checkOptimizerState(who, sd, this.name, this.#groups, this.knownSlots());
    const keys = Object.keys(this.#spec) as (keyof O & string)[];
    const options = groups.map((g, i) => {
      checkOptions(`${who}: paramGroups[${i}]`, g, keys);
      return this.validate(who, `paramGroups[${i}].`, { ...this.#groups[i].options, ...g });
    });
    this.#groups.forEach((g, i) => g.set(options[i]));
    this.state = OrderedMap<string, ParamState>().withMutations((m) => {
      for (const [name, s] of state) m.set(name, IMap(Object.entries(s)));
    });
  }

  /**
   * PyTorch's optimiser repr: the type, then each group's parameters and options.
   *
   * @example
   * String(new SGD(model.parameters(), { lr: 0.1 }));
   * // 'SGD (\nParameter Group 0\n    params: layers.0.weight, … (4 tensors)\n    lr: 0.1\n …)'
   */
  toString(): string {
    const groups = this.#groups.map((g, i) => `Parameter Group ${i}\n${describeGroup(g)}`);
    return `${this.name} (\n${groups.join('\n')}\n)`;
  }

  /** `console.log(opt)` prints {@link Optimizer.toString}. */
  [INSPECT](): string {
    return this.toString();
  }
}

/** A buffer of a parameter's state as its typed array. */
export function buffer(state: ParamState, slot: string): TypedArray {
  return (state.get(slot) as Tensor).data;
}
