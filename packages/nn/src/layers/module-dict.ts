import { ValueError, checkString, describe } from '@tapegrad/core';
import { Module } from '../module';

/**
 * Named sub-modules (PyTorch's `nn.ModuleDict`): each registered as the child of its key, so a
 * model's `heads` ModuleDict names parameters `heads.<key>.weight`. Keys keep insertion order
 * (from an object, the order JS gives its keys: integer-like ones first; `[key, module]` pairs
 * keep any order).
 * A key must contain no '.' and must not be the name of a member (`get`, `forward` …).
 *
 * @example
 * this.heads = new ModuleDict({ digits: new Linear(16, 10), parity: new Linear(16, 2) });
 * this.heads.get('digits')!.forward(h);
 */
export class ModuleDict<M extends Module = Module> extends Module {
  #keys: string[] = [];

  constructor(modules: Record<string, M> | Iterable<readonly [string, M]> = {}) {
    super();
    const entries =
      modules !== null && typeof (modules as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function'
        ? [...(modules as Iterable<readonly [string, M]>)]
        : typeof modules === 'object' && modules !== null
          ? Object.entries(modules as Record<string, M>)
          : null;
    if (entries === null) {
      throw new ValueError(`ModuleDict: modules must be an object or [key, module] pairs, got ${describe(modules)}`);
    }
    for (const e of entries) {
      if (!Array.isArray(e) || e.length !== 2) {
        throw new ValueError(
          `ModuleDict: modules must be an object or [key, module] pairs; one entry is ${describe(e)}`,
        );
      }
      this.set(e[0] as string, e[1] as M);
    }
  }

  /** The number of modules. */
  get size(): number {
    return this.#keys.length;
  }

  /**
   * Adds or replaces the module under `key`; returns `this`.
   *
   * @example
   * dict.set('head', new Linear(8, 2));
   */
  set(key: string, module: M): this {
    checkString('ModuleDict.set', 'key', key);
    if (!(module instanceof Module)) {
      throw new ValueError(`ModuleDict.set: the value of '${key}' must be a Module, got ${describe(module)}`);
    }
    if (!this.#keys.includes(key) && key in this) {
      throw new ValueError(`ModuleDict.set: '${key}' is the name of a ModuleDict member; choose another key`);
    }
    this.registerModule(key, module);
    if (!this.#keys.includes(key)) this.#keys.push(key);
    return this;
  }

  /**
   * The module under `key`, or undefined.
   *
   * @example
   * dict.get('head')?.forward(x);
   */
  get(key: string): M | undefined {
    return this.#keys.includes(key) ? ((this as unknown as Record<string, M>)[key] ?? undefined) : undefined;
  }

  /** Whether a module is registered under `key`. */
  has(key: string): boolean {
    return this.#keys.includes(key);
  }

  /** The keys, in insertion order. */
  keys(): string[] {
    return [...this.#keys];
  }

  /** The modules, in insertion order. */
  values(): M[] {
    return this.#keys.map((k) => this.get(k)!);
  }

  /** `[key, module]` pairs, in insertion order. */
  entries(): [string, M][] {
    return this.#keys.map((k) => [k, this.get(k)!]);
  }

  /** The children in insertion order (an integer-like key would otherwise come first). */
  override ownEntries(): [string, M][] {
    return this.entries();
  }

  /** A ModuleDict has no forward of its own, as PyTorch's: look its modules up. */
  forward(): never {
    throw new ValueError("ModuleDict has no forward: look a module up (dict.get('name')) and call it");
  }
}
