import { ValueError, checkInteger, describe } from '@tapegrad/core';
import { Module } from '../module';

/**
 * Sub-modules in a list (PyTorch's `nn.ModuleList`): registered as the children `0`, `1`, …, so
 * their parameters are named `0.weight`, `1.bias` inside it — `layers.0.weight` in a model that
 * keeps the list in a field `layers` — and state dicts load into PyTorch one-to-one. `list[i]`
 * is the i-th module; it iterates like an array. It has no forward: a model iterates it.
 *
 * @example
 * this.layers = new ModuleList([new Linear(4, 4), new Linear(4, 2)]);
 * for (const layer of this.layers) x = layer.forward(x);
 */
export class ModuleList<M extends Module = Module> extends Module implements Iterable<M> {
  readonly [index: number]: M;
  #length = 0;

  constructor(modules: Iterable<M> = []) {
    super();
    this.extend(modules);
  }

  /** The number of modules. */
  get length(): number {
    return this.#length;
  }

  /**
   * Appends `module` as the next child (PyTorch's `append`); returns `this`.
   *
   * @example
   * new ModuleList().append(new Linear(2, 2)).length; // 1
   */
  append(module: M): this {
    if (!(module instanceof Module)) {
      throw new ValueError(`ModuleList.append: expected a Module, got ${describe(module)}`);
    }
    this.registerModule(String(this.#length++), module);
    return this;
  }

  /**
   * Appends every module of `modules`; returns `this`.
   *
   * @example
   * list.extend([new ReLU(), new Linear(2, 2)]);
   */
  extend(modules: Iterable<M>): this {
    if (modules === null || typeof (modules as Partial<Iterable<M>>)[Symbol.iterator] !== 'function') {
      throw new ValueError(`ModuleList: modules must be an iterable of Modules, got ${describe(modules)}`);
    }
    for (const m of modules) this.append(m);
    return this;
  }

  /**
   * The module at `index` (negative counts from the end).
   *
   * @example
   * list.at(-1); // the last module
   */
  at(index: number): M {
    checkInteger('ModuleList.at', 'index', index, { min: -this.#length, max: this.#length - 1 });
    return this[index < 0 ? index + this.#length : index];
  }

  *[Symbol.iterator](): Iterator<M> {
    for (let i = 0; i < this.#length; i++) yield this[i];
  }

  /** A ModuleList has no forward of its own, as PyTorch's: iterate it. */
  forward(): never {
    throw new ValueError('ModuleList has no forward: iterate it and call each module (for (const m of list) …)');
  }
}
