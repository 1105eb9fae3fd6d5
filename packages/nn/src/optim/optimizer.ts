import { Map as IMap, OrderedMap } from 'immutable';
import { Tensor, type TypedArray, ValueError, full, noGrad } from '@tapegrad/core';
import { StateDictError } from '../errors';

/** What an optimiser optimises: tensors (Parameters, or leaves that require grad), or a named map. */
export type ParamsInput = Iterable<Tensor> | ReadonlyMap<string, Tensor> | OrderedMap<string, Tensor>;

/** One parameter's state: buffers (Tensors, same shape and dtype as the parameter) and `step`. */
export type ParamState = IMap<string, Tensor | number>;

/** Hyper-parameters every optimiser has. */
export interface BaseOptions {
  lr: number;
}

/** A serialisable snapshot of an optimiser (see {@link Optimizer.stateDict}). */
export interface OptimizerStateDict {
  /** The optimiser class name (`Adam`, …). */
  type: string;
  /** Hyper-parameters, current `lr` included. */
  options: { [key: string]: unknown };
  /** Per-parameter state, keyed by parameter name; tensors are copies. */
  state: OrderedMap<string, ParamState>;
}

/**
 * What the Trainer, checkpoints and schedulers need of an optimiser (any {@link Optimizer}).
 *
 * @example
 * const opt: OptimizerLike = new Adam(model.parameters());
 * opt.lr = 1e-4;
 */
export interface OptimizerLike {
  readonly params: OrderedMap<string, Tensor>;
  lr: number;
  zeroGrad(): void;
  step(): void;
  stateDict(): OptimizerStateDict;
  loadStateDict(sd: OptimizerStateDict): void;
}

function nameParams(who: string, params: ParamsInput): OrderedMap<string, Tensor> {
  let entries: [string, Tensor][];
  if (typeof (params as ReadonlyMap<string, Tensor>).get === 'function') {
    entries = [...(params as ReadonlyMap<string, Tensor>).entries()];
  } else {
    const list = [...new Set(params as Iterable<Tensor>)];
    const unique = (t: Tensor): boolean => t.name !== null && list.filter((u) => u.name === t.name).length === 1;
    entries = list.map((t, i) => {
      const name = unique(t) ? t.name! : String(i);
      return [name, t];
    });
  }
  entries.forEach(([name, t]) => {
    if (!(t instanceof Tensor) || !t.requiresGrad || !t.isLeaf) {
      throw new ValueError(`${who}: parameter '${name}' must be a leaf tensor that requires grad (a Parameter)`);
    }
  });
  if (entries.length === 0) throw new ValueError(`${who}: got an empty parameter list`);
  return OrderedMap(entries);
}

/**
 * Base of the optimisers. Parameters are named — by the keys of a map, by their `name` (which
 * `Module.parameters()` sets to the dotted name), or by position — and per-parameter state is
 * an Immutable `Map` keyed by that name, so it serialises. `step()` updates parameter data in
 * place from the typed arrays (no tape, no temporaries).
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export abstract class Optimizer<O extends BaseOptions = BaseOptions> {
  /** The parameters by name, in order. */
  readonly params: OrderedMap<string, Tensor>;
  /** Per-parameter state by name (replaced, never mutated, when entries are added). */
  state: OrderedMap<string, ParamState> = OrderedMap();
  /** Hyper-parameters: a frozen object, replaced (never mutated) when `lr` changes. */
  options: Readonly<O>;
  private readonly entries: [string, Tensor][];

  protected constructor(params: ParamsInput, defaults: O, options: Partial<O>) {
    const who = this.constructor.name;
    for (const key of Object.keys(options)) {
      if (!(key in defaults)) {
        throw new ValueError(`${who}: unknown option '${key}'; valid: ${Object.keys(defaults).join(', ')}`);
      }
    }
    const given = Object.entries(options).filter(([, v]) => v !== undefined);
    this.options = Object.freeze({ ...defaults, ...(Object.fromEntries(given) as Partial<O>) });
    const lr = this.options.lr;
    if (!(lr >= 0)) throw new ValueError(`${who}: lr must be ≥ 0, got ${lr}`);
    this.params = nameParams(who, params);
    this.entries = [...this.params.entries()];
  }

  /** The learning rate (schedulers set it). */
  get lr(): number {
    return this.options.lr;
  }

  set lr(value: number) {
    this.options = Object.freeze({ ...this.options, lr: value });
  }

  /**
   * Clears every parameter's gradient.
   *
   * @example
   * opt.zeroGrad();
   * model.parameters()[0].grad; // null
   */
  zeroGrad(): void {
    for (const [, p] of this.entries) p.grad = null;
  }

  /**
   * Applies one update to every parameter that has a gradient.
   *
   * @example
   * loss.backward();
   * opt.step();
   */
  step(): void {
    noGrad(() => {
      for (const [name, p] of this.entries) {
        const g = p.grad;
        if (g === null) continue;
        const prev = this.state.get(name);
        const step = ((prev?.get('step') as number | undefined) ?? 0) + 1;
        const s = this.update(p.data, g.data, prev ?? this.initState(p), step);
        this.state = this.state.set(name, s.set('step', step));
      }
    });
  }

  /** Fresh state of a parameter (zero buffers); `step` is added by {@link Optimizer.step}. */
  protected initState(p: Tensor): ParamState {
    return IMap<string, Tensor | number>().withMutations((m) => {
      for (const slot of this.slots()) m.set(slot, full(p.shape, 0, { dtype: p.dtype }));
    });
  }

  /** Names of the per-parameter buffers this optimiser keeps. */
  protected abstract slots(): readonly string[];

  /** Updates `w` in place from `g`; `step` counts from 1. Returns the (possibly new) state. */
  protected abstract update(w: TypedArray, g: TypedArray, state: ParamState, step: number): ParamState;

  /**
   * A snapshot: hyper-parameters and per-parameter state (tensors copied).
   *
   * @example
   * const sd = opt.stateDict();
   * other.loadStateDict(sd);
   */
  stateDict(): OptimizerStateDict {
    return {
      type: this.constructor.name,
      options: JSON.parse(JSON.stringify(this.options)) as { [key: string]: unknown },
      state: this.state.map((s) => s.map((v) => (v instanceof Tensor ? new Tensor(v.data.slice(), v.shape) : v))),
    };
  }

  /**
   * Restores a snapshot made by {@link Optimizer.stateDict} of an optimiser of the same type over
   * parameters with the same names and shapes; problems are listed in one StateDictError.
   *
   * @example
   * opt.loadStateDict(saved.stateDict());
   * opt.step(); // continues where `saved` left off
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const who = `${this.constructor.name}.loadStateDict`;
    if (sd.type !== this.constructor.name) {
      throw new ValueError(`${who}: state is from a ${sd.type}, not a ${this.constructor.name}`);
    }
    const unexpected: string[] = [];
    const mismatched: string[] = [];
    sd.state.forEach((s, name) => {
      const p = this.params.get(name);
      if (p === undefined) {
        unexpected.push(name);
        return;
      }
      for (const slot of this.slots()) {
        const t = s.get(slot);
        const ok = t instanceof Tensor && t.dtype === p.dtype && t.shape.join() === p.shape.join();
        if (!ok) mismatched.push(`${name}.${slot}: expected [${p.shape.join(',')}] ${p.dtype}`);
      }
      if (typeof s.get('step') !== 'number') mismatched.push(`${name}.step: expected a number`);
    });
    if (unexpected.length + mismatched.length > 0) {
      const parts = [];
      if (unexpected.length) parts.push(`${unexpected.length} unexpected (${unexpected.join(', ')})`);
      if (mismatched.length) parts.push(`${mismatched.length} mismatched (${mismatched.join('; ')})`);
      throw new StateDictError(`${who}: ${parts.join('; ')}`, [], unexpected, mismatched);
    }
    const known = Object.entries(sd.options).filter(([k]) => k in this.options);
    this.options = Object.freeze({ ...this.options, ...Object.fromEntries(known) });
    this.state = sd.state.map((s) => s.map((v) => (v instanceof Tensor ? new Tensor(v.data.slice(), v.shape) : v)));
  }
}

/** A buffer of a parameter's state as its typed array. */
export function buffer(state: ParamState, slot: string): TypedArray {
  return (state.get(slot) as Tensor).data;
}
