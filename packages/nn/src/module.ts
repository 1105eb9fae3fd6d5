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
  describe,
  incrementVersion,
} from '@tapegrad/core';
import { type ForwardHook, type ForwardPreHook, type HookOptions, addForwardHook } from './forward-hooks';
import { moduleRepr } from './module-repr';
import { hiddenEntries } from './module-scan';
import { upgradeKeys } from './legacy-keys';
import {
  type BufferEntry,
  type BufferOptions,
  castBuffers,
  int64NamesOf,
  isBufferValue,
  namedBuffersOf,
  namedStateOf,
} from './module-state';
import { Parameter, castParameters, isParameter } from './parameter';
import { StateDict, type StateDictInput, checkStateDict, toEntries } from './state-dict';
import { type ModelSummary, type SummaryOptions, summarize } from './summary';

const isEntry = (v: unknown): v is Parameter | Module => v instanceof Parameter || v instanceof Module;

/**
 * A ValueError for the first parameter or module that a module of the tree keeps inside a Map,
 * Set, plain object or nested array and that is not registered anywhere in the tree: it would
 * silently be left out of parameters(), the state dict and the optimiser.
 */
function refuseHidden(modules: OrderedMap<string, Module>, seen: ReadonlySet<Module>): void {
  let params: Set<Parameter> | null = null;
  modules.forEach((mod, prefix) => {
    for (const { path, value, container } of hiddenEntries(mod, isEntry)) {
      if (value instanceof Module ? seen.has(value) : (params ??= registeredParameters(seen)).has(value)) continue;
      const where = prefix ? `${mod.constructor.name} '${prefix}'` : mod.constructor.name;
      const what =
        value instanceof Module ? `a ${value.constructor.name}` : `a Parameter of shape [${value.shape.join(',')}]`;
      throw new ValueError(
        `${where}: ${path} holds ${what} inside ${container}, where Module does not look, so its parameters would ` +
          `be missing from parameters(), stateDict() and the optimiser; use ModuleList or ModuleDict, assign it to a ` +
          `field of its own, or call registerModule / registerParameter (a #private field keeps it out on purpose)`,
      );
    }
  });
}

function registeredParameters(modules: Iterable<Module>): Set<Parameter> {
  const out = new Set<Parameter>();
  for (const mod of modules) for (const [, v] of mod.ownEntries()) if (v instanceof Parameter) out.add(v);
  return out;
}

/**
 * Base class of layers and models. Parameters and sub-modules are found by scanning the
 * module's own enumerable fields, in insertion order (the order the constructor assigns
 * them), when they are asked for — so `this.fc = new Linear(2, 3)` is all it takes. A field
 * may hold a {@link Parameter}, a `Module`, or an array of them (named `field.0`, `field.1` …);
 * `null` fields are skipped. Anything kept elsewhere (a Map, a nested object) is registered with
 * {@link Module.registerParameter} / {@link Module.registerModule}, or kept in a `ModuleList` /
 * `ModuleDict`; one that is not is an error (it would silently be left out of training). A parameter or module
 * reachable under two names is listed once, under the first name.
 *
 * @example
 * class Net extends Module { fc = new Linear(2, 3); forward(x: Tensor) { return this.fc.forward(x).relu(); } }
 * [...new Net().namedParameters().keys()]; // ['fc.weight', 'fc.bias']
 */
export abstract class Module {
  #training = true;
  #buffers = new Map<string, Required<BufferOptions>>();

  /**
   * Computes the module's output: a Tensor for most layers; recurrent layers return
   * `[output, state]` as PyTorch's.
   */
  abstract forward(...inputs: unknown[]): unknown;

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

  /**
   * Registers `tensor` as a buffer named `name` (no dots): state that is not learned — running
   * statistics, counters — kept in the field of that name, saved in the state dict and
   * checkpoints unless `persistent: false`, converted by {@link Module.to} when floating, never
   * given to optimisers (PyTorch's `register_buffer`). `null` registers an absent buffer, left
   * out of the state dict. Assigning the field later replaces the buffer's value.
   *
   * @example
   * this.registerBuffer('running_mean', zeros([c]));
   * this.registerBuffer('num_batches_tracked', zeros([], { dtype: 'int32' }), { int64: true });
   */
  registerBuffer(name: string, tensor: Tensor | null, options: BufferOptions = {}): void {
    const who = `${this.constructor.name}.registerBuffer`;
    const o = checkOptions(who, options, ['persistent', 'int64']);
    if (!isBufferValue(tensor) || isParameter(tensor)) {
      throw new ValueError(
        `${who}: '${name}' must be a Tensor that requires no grad (or null), got ${describe(tensor)}`,
      );
    }
    const int64 = o.int64 === undefined ? false : checkBoolean(who, 'int64', o.int64);
    if (int64 && tensor !== null && tensor.dtype !== 'int32') {
      throw new ValueError(`${who}: int64 applies to int32 buffers, '${name}' is ${tensor.dtype}`);
    }
    const persistent = o.persistent === undefined ? true : checkBoolean(who, 'persistent', o.persistent);
    this.#register('registerBuffer', name, tensor);
    this.#buffers.set(name, { persistent, int64 });
  }

  /**
   * This module's own buffers (not its children's), in registration order, with their current
   * values and options.
   *
   * @example
   * new BatchNorm1d(4).ownBuffers().map((b) => b.name); // ['running_mean', 'running_var', 'num_batches_tracked']
   */
  ownBuffers(): BufferEntry[] {
    const self = this as unknown as Record<string, Tensor | null>;
    return [...this.#buffers].map(([name, o]) => ({ name, value: self[name] ?? null, ...o }));
  }

  /**
   * Every buffer of the tree with its dotted name, module by module (PyTorch's
   * `named_buffers()`); absent (null) buffers are left out.
   *
   * @example
   * model.namedBuffers().keySeq().toArray(); // ['1.running_mean', '1.running_var', '1.num_batches_tracked']
   */
  namedBuffers(): OrderedMap<string, Tensor> {
    return namedBuffersOf(this);
  }

  /**
   * The buffers as an array.
   *
   * @example
   * model.buffers().length; // 3 for one BatchNorm layer
   */
  buffers(): Tensor[] {
    return this.namedBuffers().valueSeq().toArray();
  }

  /**
   * What the state dict and checkpoints hold: parameters and persistent buffers, live (not
   * copies), in PyTorch's `state_dict()` order (each module's parameters, then its buffers, then
   * its children's).
   *
   * @example
   * [...model.namedState().keys()]; // ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', …]
   */
  namedState(): OrderedMap<string, Tensor> {
    this.namedParameters(); // names unnamed parameters
    return namedStateOf(this, isParameter);
  }

  /**
   * The dotted names of the buffers that checkpoints store as I64 (registered with `int64`).
   *
   * @example
   * new BatchNorm2d(3).int64BufferNames(); // Set { 'num_batches_tracked' }
   */
  int64BufferNames(): Set<string> {
    return int64NamesOf(this);
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
    const out = OrderedMap<string, Module>().withMutations((m) => {
      const visit = (mod: Module, prefix: string): void => {
        if (seen.has(mod)) return;
        seen.add(mod);
        m.set(prefix, mod);
        for (const [name, v] of mod.ownEntries())
          if (v instanceof Module) visit(v, prefix ? `${prefix}.${name}` : name);
      };
      visit(this, '');
    });
    refuseHidden(out, seen);
    return out;
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
  registerForwardHook(hook: ForwardHook<ReturnType<this['forward']>>, options?: HookOptions): HookHandle {
    return addForwardHook(this, 'post', hook as ForwardHook<unknown>, options);
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
    castBuffers(this.namedModules().values(), dtype, (m, b, t) => {
      (m as unknown as Record<string, Tensor>)[b.name] = t;
    });
    return this;
  }

  /**
   * Copies of the parameters and persistent buffers by dotted name, as a plain `Map` in
   * PyTorch's order (see {@link Module.namedState}; detached, so later training does not change
   * them).
   *
   * @example
   * const sd = model.stateDict();
   * sd.get('0.weight')!.shape; // [10, 2]; [...sd.keys()], sd.toObject() work too
   */
  stateDict(): StateDict {
    const sd = new StateDict();
    this.namedState().forEach((p, name) => sd.set(name, new Tensor(p.data.slice(), p.shape)));
    return sd;
  }

  /**
   * Copies values into the parameters and buffers in place, from a `Map` (what {@link Module.stateDict}
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
    const state = this.namedState();
    const entries = upgradeKeys(this, toEntries(stateDict, who), (k) => state.has(k));
    checkStateDict(who, state, entries, strict);
    for (const [name, t] of entries) {
      const p = state.get(name);
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
