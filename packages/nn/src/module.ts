import { OrderedMap } from 'immutable';
import {
  type DType,
  type HookHandle,
  INSPECT,
  Tensor,
  ValueError,
  checkBoolean,
  checkFunction,
  checkOptions,
  incrementVersion,
} from '@tapegrad/core';
import { type ForwardHook, type ForwardPreHook, type HookOptions, addForwardHook } from './forward-hooks';
import { moduleRepr } from './module-repr';
import { upgradeKeys } from './legacy-keys';
import { Parameter, castParameters } from './parameter';
import { StateDict, type StateDictInput, checkStateDict, toEntries } from './state-dict';
import { type ModelSummary, type SummaryOptions, summarize } from './summary';

/**
 * Base class of layers and models. Parameters and sub-modules are found by scanning the
 * module's own enumerable fields, in insertion order (the order the constructor assigns
 * them), when they are asked for — so `this.fc = new Linear(2, 3)` is all it takes. A field
 * may hold a {@link Parameter}, a `Module`, or an array of them (named `field.0`, `field.1` …);
 * `null` fields are skipped. Anything kept elsewhere (a Map, a nested object) is registered with
 * {@link Module.registerParameter} / {@link Module.registerModule}. A parameter or module
 * reachable under two names is listed once, under the first name.
 *
 * @example
 * class Net extends Module { fc = new Linear(2, 3); forward(x: Tensor) { return this.fc.forward(x).relu(); } }
 * [...new Net().namedParameters().keys()]; // ['fc.weight', 'fc.bias']
 */
export abstract class Module {
  #training = true;

  /** Computes the module's output. */
  abstract forward(...inputs: unknown[]): Tensor;

  /** Whether the module is in training mode (Dropout is active); see {@link Module.train}. */
  get training(): boolean {
    return this.#training;
  }

  /**
   * Registers `param` under `name` (no dots) as if it had been assigned to a field of that name.
   *
   * @example
   * this.registerParameter('scale', new Parameter(ones([1])));
   * this.namedParameters().has('scale'); // true
   */
  registerParameter(name: string, param: Parameter | null): void {
    this.#register('registerParameter', name, param);
  }

  /**
   * Registers `module` under `name` (no dots) as if it had been assigned to a field of that name.
   *
   * @example
   * for (let i = 0; i < 3; i++) this.registerModule(`block${i}`, new Linear(4, 4));
   * this.namedParameters().has('block2.weight'); // true
   */
  registerModule(name: string, module: Module | null): void {
    this.#register('registerModule', name, module);
  }

  #register(who: string, name: string, value: unknown): void {
    if (name === '' || name.includes('.')) {
      throw new ValueError(`${who}: name must be non-empty and contain no '.', got '${name}'`);
    }
    Object.defineProperty(this, name, { value, enumerable: true, writable: true, configurable: true });
  }

  /**
   * The direct children: `[name, Parameter | Module]` in registration order (arrays expanded).
   *
   * @example
   * for (const [name, v] of model.ownEntries()) console.log(name, v instanceof Module);
   */
  ownEntries(): [string, Parameter | Module][] {
    const out: [string, Parameter | Module][] = [];
    for (const key of Object.keys(this)) {
      const v = (this as Record<string, unknown>)[key];
      if (v instanceof Parameter || v instanceof Module) out.push([key, v]);
      else if (Array.isArray(v)) {
        v.forEach((e, i) => {
          if (e instanceof Parameter || e instanceof Module) out.push([`${key}.${i}`, e]);
        });
      }
    }
    return out;
  }

  /**
   * Every sub-module (this one first, as `''`) with its dotted name, depth first.
   *
   * @example
   * model.namedModules().keySeq().toArray(); // ['', '0', '1']
   */
  namedModules(): OrderedMap<string, Module> {
    const seen = new Set<Module>();
    return OrderedMap<string, Module>().withMutations((m) => {
      const visit = (mod: Module, prefix: string): void => {
        if (seen.has(mod)) return;
        seen.add(mod);
        m.set(prefix, mod);
        for (const [name, v] of mod.ownEntries())
          if (v instanceof Module) visit(v, prefix ? `${prefix}.${name}` : name);
      };
      visit(this, '');
    });
  }

  /**
   * Every module of the tree, this one first (PyTorch's `modules()`).
   *
   * @example
   * model.modules().filter((m) => m instanceof Linear).length; // number of Linear layers
   */
  modules(): Module[] {
    return this.namedModules().valueSeq().toArray();
  }

  /**
   * The direct sub-modules with their names (PyTorch's `named_children()`).
   *
   * @example
   * for (const [name, child] of model.namedChildren()) console.log(name, child.constructor.name);
   */
  namedChildren(): [string, Module][] {
    return this.ownEntries().filter((e): e is [string, Module] => e[1] instanceof Module);
  }

  /**
   * Calls `fn` on every sub-module, children before parents, then on this module (PyTorch's
   * `apply`, e.g. for custom initialisation). Returns `this`.
   *
   * @example
   * model.apply((m) => { if (m instanceof Linear) noGrad(() => m.bias?.fill_(0)); });
   */
  apply(fn: (module: Module) => void): this {
    checkFunction(`${this.constructor.name}.apply`, 'fn', fn);
    const seen = new Set<Module>();
    const visit = (m: Module): void => {
      if (seen.has(m)) return;
      seen.add(m);
      for (const [, child] of m.namedChildren()) visit(child);
      fn(m);
    };
    visit(this);
    return this;
  }

  /**
   * Registers `hook(module, inputs, output)`, called after every forward of this module; a
   * returned value replaces the output. Hooks run however forward is called. Returns a handle
   * whose `remove()` unregisters it (PyTorch's `register_forward_hook`).
   *
   * @example
   * const h = model.fc1.registerForwardHook((m, inputs, y) => console.log(y.shape));
   * model.forward(x); h.remove();
   */
  registerForwardHook(hook: ForwardHook, options?: HookOptions): HookHandle {
    return addForwardHook(this, 'post', hook, options);
  }

  /**
   * Registers `hook(module, inputs)`, called before every forward of this module; returning an
   * array replaces the arguments, another value replaces the single argument (PyTorch's
   * `register_forward_pre_hook`). Returns a removable handle.
   *
   * @example
   * const h = layer.registerForwardPreHook((m, [x]) => (x as Tensor).mul(2));
   * h.remove();
   */
  registerForwardPreHook(hook: ForwardPreHook, options?: HookOptions): HookHandle {
    return addForwardHook(this, 'pre', hook, options);
  }

  /**
   * Runs the module once on zeros of `inputShape` (batch axis included) and prints a
   * torchinfo/Keras-style table: each layer's name, type, output shape and parameter count,
   * then the totals. Returns the {@link ModelSummary} (`verbose: 0` only returns it).
   *
   * @example
   * mlp([784, 256, 10]).summary([1, 784]);
   * const s = model.summary([8, 3, 32, 32], { verbose: 0 }); s.totalParams;
   */
  summary(inputShape: readonly number[], options?: SummaryOptions): ModelSummary {
    return summarize(this, inputShape, options);
  }

  /**
   * All parameters with dotted names (`0.weight`, `fc1.bias`), in a stable order — the order of
   * checkpoints and optimiser state. A parameter without a `name` is given its dotted name.
   *
   * @example
   * mlp([2, 3, 1]).namedParameters().keySeq().toArray();
   * // ['0.weight', '0.bias', '2.weight', '2.bias']
   */
  namedParameters(): OrderedMap<string, Parameter> {
    const seen = new Set<Parameter>();
    const out = OrderedMap<string, Parameter>().withMutations((m) => {
      this.namedModules().forEach((mod, prefix) => {
        for (const [name, v] of mod.ownEntries()) {
          if (!(v instanceof Parameter) || seen.has(v)) continue;
          seen.add(v);
          m.set(prefix ? `${prefix}.${name}` : name, v);
        }
      });
    });
    out.forEach((p, name) => {
      if (p.name === null) p.name = name;
    });
    return out;
  }

  /**
   * The parameters as an array, for optimisers: `new SGD(model.parameters(), { lr: 0.1 })`.
   *
   * @example
   * const opt = new Adam(model.parameters(), { lr: 1e-3 });
   * model.parameters().length; // number of parameter tensors
   */
  parameters(): Parameter[] {
    return this.namedParameters().valueSeq().toArray();
  }

  /**
   * Total number of learnable scalars.
   *
   * @example
   * new Linear(784, 100).numParameters(); // 78500
   */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /**
   * Clears every parameter's gradient.
   *
   * @example
   * model.zeroGrad();
   * model.parameters().every((p) => p.grad === null); // true
   */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /**
   * Sets training mode on this module and all sub-modules (Dropout active). Returns `this`.
   *
   * @example
   * model.train();
   * model.training; // true
   */
  train(mode = true): this {
    this.namedModules().forEach((m) => {
      m.#training = mode;
    });
    return this;
  }

  /**
   * Sets evaluation mode (Dropout is the identity). Returns `this`.
   *
   * @example
   * model.eval();
   * model.training; // false
   */
  eval(): this {
    return this.train(false);
  }

  /**
   * Converts every parameter to `dtype` (e.g. `'float64'` for gradient checks), replacing the
   * Parameter objects, so create optimisers afterwards. Returns `this`.
   *
   * @example
   * const m = new Linear(3, 2).to('float64');
   * m.weight.dtype; // 'float64'
   */
  to(dtype: DType): this {
    castParameters(this.namedModules().values(), dtype);
    return this;
  }

  /**
   * Copies of the parameter values by dotted name, as a plain `Map` in the order of
   * {@link Module.namedParameters} (detached, so later training does not change them).
   *
   * @example
   * const sd = model.stateDict();
   * sd.get('0.weight')!.shape; // [10, 2]; [...sd.keys()], sd.toObject() work too
   */
  stateDict(): StateDict {
    const sd = new StateDict();
    this.namedParameters().forEach((p, name) => sd.set(name, new Tensor(p.data.slice(), p.shape)));
    return sd;
  }

  /**
   * Copies values into the parameters in place, from a `Map` (what {@link Module.stateDict}
   * returns), a plain object, an Immutable map or `[name, tensor]` pairs. With `strict` (the
   * default) every name must match both ways; shape and dtype mismatches are always errors. All
   * problems are reported in one {@link StateDictError}, and nothing is changed unless there
   * are none; a value that is not a Tensor is a ValueError.
   *
   * @example
   * other.loadStateDict(model.stateDict());
   * other.loadStateDict({ 'fc.weight': w }, { strict: false });
   */
  loadStateDict(stateDict: StateDictInput, options: { strict?: boolean } = {}): void {
    const who = `${this.constructor.name}.loadStateDict`;
    const o = checkOptions(who, options, ['strict']);
    const strict = o.strict === undefined ? true : checkBoolean(who, 'strict', o.strict);
    const params = this.namedParameters();
    const entries = upgradeKeys(this, toEntries(stateDict, who), (k) => params.has(k));
    checkStateDict(who, params, entries, strict);
    for (const [name, t] of entries) {
      const p = params.get(name);
      if (p !== undefined) {
        p.data.set(t.data);
        incrementVersion(p);
      }
    }
  }

  /**
   * Today's name for `key` (a state-dict key relative to this module) when an older tapegrad
   * wrote it under another name, else undefined; `loadStateDict` and `load` apply it to keys the
   * model does not have. Sequential maps `layers.0.weight` to `0.weight`.
   *
   * @example
   * new Sequential(new Linear(2, 3)).upgradeStateDictKey('layers.0.bias'); // '0.bias'
   */
  upgradeStateDictKey(_key: string): string | undefined {
    return undefined;
  }

  /** The constructor arguments worth showing in {@link Module.toString} (`in=2, out=3`). */
  extraRepr(): string {
    return '';
  }

  /**
   * PyTorch's nested repr: `Name(extraRepr)` for a leaf, else the children (and parameters the
   * module holds itself) indented one per line between `Name(` and `)`.
   *
   * @example
   * console.log(String(mlp([2, 10, 3])));
   * // Sequential(\n  (0): Linear(in=2, out=10, bias=true)\n  (1): ReLU()\n ...\n)
   */
  toString(): string {
    return moduleRepr(this);
  }

  /** `console.log(model)` prints {@link Module.toString}. */
  [INSPECT](): string {
    return this.toString();
  }
}
