/** What {@link upgradeKey} needs of a module (Module has both). */
interface KeyedModule {
  upgradeStateDictKey(key: string): string | undefined;
  ownEntries(): [string, unknown][];
}

const isKeyed = (v: unknown): v is KeyedModule =>
  typeof (v as KeyedModule | null)?.upgradeStateDictKey === 'function' &&
  typeof (v as KeyedModule).ownEntries === 'function';

/**
 * Today's name of a state-dict key that an older tapegrad wrote, walking the module tree: each
 * module renames the part of the key below it ({@link Module.upgradeStateDictKey}), then the
 * child the key continues into does the same with the rest. Unchanged when nothing applies.
 *
 * @example
 * upgradeKey(mlp([2, 3, 1]), 'layers.2.weight'); // '2.weight'
 * upgradeKey(net, 'body.layers.0.layers.1.bias'); // 'body.0.1.bias' (Sequentials nested in a field)
 */
export function upgradeKey(module: KeyedModule, key: string): string {
  const k = module.upgradeStateDictKey(key) ?? key;
  for (const [name, child] of module.ownEntries()) {
    if (isKeyed(child) && k.startsWith(`${name}.`)) return `${name}.${upgradeKey(child, k.slice(name.length + 1))}`;
  }
  return k;
}

/**
 * The entries with every key the module does not have renamed by {@link upgradeKey}, so
 * checkpoints written with older names (`layers.0.weight` for a Sequential) load as before.
 *
 * @example
 * upgradeKeys(model, [['layers.0.weight', w]], (k) => model.namedParameters().has(k)); // [['0.weight', w]]
 */
export function upgradeKeys<T>(
  module: KeyedModule,
  entries: readonly (readonly [string, T])[],
  has: (key: string) => boolean,
): [string, T][] {
  return entries.map(([key, v]) => [has(key) ? key : upgradeKey(module, key), v]);
}
