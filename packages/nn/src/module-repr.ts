import type { Module } from './module';
import { Parameter } from './parameter';

/**
 * PyTorch's nested repr of a module: `Name(extraRepr)` for a leaf; otherwise its extra repr,
 * the parameters it holds itself (`(scale): Parameter([1])`) and its children, indented one per
 * line between `Name(` and `)`. A module reachable twice is shown once.
 *
 * @example
 * moduleRepr(mlp([2, 10, 3])); // 'Sequential(\n  (layers.0): Linear(in=2, out=10, bias=true)\n …\n)'
 */
export function moduleRepr(root: Module): string {
  const seen = new Set<Module>();
  const render = (mod: Module, indent: string): string => {
    seen.add(mod);
    const own: string[] = [];
    const kids: string[] = [];
    for (const [name, v] of mod.ownEntries()) {
      if (v instanceof Parameter) {
        const dtype = v.dtype === 'float32' ? '' : `, ${v.dtype}`;
        own.push(`${indent}  (${name}): Parameter([${v.shape.join(',')}]${dtype})`);
      } else if (!seen.has(v)) kids.push(`${indent}  (${name}): ${render(v, `${indent}  `)}`);
    }
    const extra = mod.extraRepr();
    const name = mod.constructor.name;
    if (kids.length === 0 && (extra !== '' || own.length === 0)) return `${name}(${extra})`;
    const lines = [...(extra === '' ? [] : [`${indent}  ${extra}`]), ...own, ...kids];
    return `${name}(\n${lines.join('\n')}\n${indent})`;
  };
  return render(root, '');
}
