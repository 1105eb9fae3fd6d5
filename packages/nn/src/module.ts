import { OrderedMap } from 'immutable';
import { type DType, Tensor, ValueError } from '@tapegrad/core';
import { Parameter } from './parameter';
import { upgradeKeys } from './legacy-keys';
import { checkStateDict, type StateDictInput, toEntries } from './state-dict';

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
 * new Net().namedParameters().keySeq().toArray(); // ['fc.weight', 'fc.bias']
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
    const converted = new Map<Parameter, Parameter>();
    const conv = (p: Parameter): Parameter => {
      let q = converted.get(p);
      if (q === undefined) {
        q = p.dtype === dtype ? p : p.cast(dtype);
        converted.set(p, q);
      }
      return q;
    };
    this.namedModules().forEach((mod) => {
      const self = mod as unknown as Record<string, unknown>;
      for (const key of Object.keys(mod)) {
        const v = self[key];
        if (v instanceof Parameter) self[key] = conv(v);
        else if (Array.isArray(v)) v.forEach((e, i) => e instanceof Parameter && (v[i] = conv(e)));
      }
    });
    return this;
  }

  /**
   * Copies of the parameter values by dotted name (detached, so later training does not change
   * them).
   *
   * @example
   * const sd = model.stateDict();
   * sd.get('0.weight')!.shape; // [10, 2]
   */
  stateDict(): OrderedMap<string, Tensor> {
    return this.namedParameters().map((p) => new Tensor(p.data.slice(), p.shape));
  }

  /**
   * Copies values into the parameters in place. With `strict` (the default) every name must
   * match both ways; shape and dtype mismatches are always errors. All problems are reported in
   * one {@link StateDictError}, and nothing is changed unless there are none.
   *
   * @example
   * other.loadStateDict(model.stateDict());
   * other.loadStateDict({ 'fc.weight': w }, { strict: false });
   */
  loadStateDict(stateDict: StateDictInput, options: { strict?: boolean } = {}): void {
    const params = this.namedParameters();
    const entries = upgradeKeys(this, toEntries(stateDict), (k) => params.has(k));
    checkStateDict(`${this.constructor.name}.loadStateDict`, params, entries, options.strict ?? true);
    for (const [name, t] of entries) {
      const p = params.get(name);
      if (p !== undefined) p.data.set(t.data);
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
   * A readable tree with each module's own parameter shapes, PyTorch-style.
   *
   * @example
   * console.log(String(mlp([2, 10, 3])));
   * // Sequential(\n  (0): Linear(in=2, out=10, bias=true) weight [10,2] bias [10]\n ...
   */
  toString(): string {
    const seen = new Set<Module>();
    const render = (mod: Module, indent: string): string => {
      seen.add(mod);
      const own: string[] = [];
      const kids: string[] = [];
      for (const [name, v] of mod.ownEntries()) {
        if (v instanceof Parameter) {
          own.push(`${name} [${v.shape.join(',')}]${v.dtype === 'float32' ? '' : ` ${v.dtype}`}`);
        } else if (!seen.has(v)) kids.push(`${indent}  (${name}): ${render(v, `${indent}  `)}`);
      }
      const head = `${mod.constructor.name}(${mod.extraRepr()})${own.length ? ` ${own.join(' ')}` : ''}`;
      return kids.length === 0 ? head : `${head} {\n${kids.join('\n')}\n${indent}}`;
    };
    return render(this, '');
  }
}
