import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';

// The layout of packages/core/src (see packages/core/README.md): value imports (type-only ones
// do not load anything) point one way, down this list, and form no cycle. In particular
// tensor.ts knows no op (each op attaches its own method), autograd/ (the tape) imports no op,
// and kernels/ sees nothing above it but the platform.
const LAYERS: readonly (readonly string[])[] = [
  ['platform'],
  ['kernels'],
  ['errors', 'dtype', 'shape', 'random', 'format', 'int32', 'buffer-pool'],
  ['tensor'],
  ['creation', 'check', 'array-input'],
  ['autograd'],
  ['ops'],
  ['transforms'],
  ['testing', 'node'],
  ['index'],
];
const SRC = path.resolve(__dirname, '../src');
// package.json's conditional imports, as Node.js resolves them (the browser files import no more).
const CONDITIONAL: Record<string, string> = { '#platform': './platform/node', '#kernel-code': './kernels/code/node' };

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .filter((f) => f.endsWith('.ts'));
}

/** The files `file` loads when it runs: its imports and re-exports that are not type-only. */
function valueImports(file: string): string[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false);
  const out: string[] = [];
  for (const st of sf.statements) {
    let spec: ts.Expression | undefined;
    if (ts.isImportDeclaration(st)) {
      const c = st.importClause;
      const typeOnly =
        c !== undefined &&
        (c.isTypeOnly ||
          (c.name === undefined &&
            c.namedBindings !== undefined &&
            ts.isNamedImports(c.namedBindings) &&
            c.namedBindings.elements.length > 0 &&
            c.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) spec = st.moduleSpecifier;
    } else if (ts.isExportDeclaration(st) && !st.isTypeOnly) spec = st.moduleSpecifier;
    if (spec === undefined || !ts.isStringLiteral(spec)) continue;
    const mapped = CONDITIONAL[spec.text];
    const name = mapped ?? spec.text;
    if (!name.startsWith('.')) continue;
    const base = path.resolve(mapped !== undefined ? SRC : path.dirname(file), name);
    out.push(fs.existsSync(`${base}.ts`) ? `${base}.ts` : path.join(base, 'index.ts'));
  }
  return out;
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, valueImports(f)]));
const unit = (f: string): string => path.relative(SRC, f).split(path.sep)[0].replace(/\.ts$/, '');
const layer = (f: string): number => LAYERS.findIndex((l) => l.includes(unit(f)));

test('every file of core belongs to a layer', () => {
  expect(files.filter((f) => layer(f) < 0).map((f) => path.relative(SRC, f))).toEqual([]);
});

test('imports point down the layers: none reaches a folder above its own', () => {
  const up = [...graph].flatMap(([f, deps]) =>
    deps.filter((d) => layer(d) > layer(f)).map((d) => `${path.relative(SRC, f)} -> ${path.relative(SRC, d)}`),
  );
  expect(up).toEqual([]);
});

test('the value-import graph has no cycle (tensor.ts ↔ the ops used to be one of 36 files)', () => {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (f: string, trail: string[]): void => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      cycles.push([...trail.slice(trail.indexOf(f)), f].map((x) => path.relative(SRC, x)).join(' -> '));
      return;
    }
    state.set(f, 'open');
    for (const d of graph.get(f) ?? []) visit(d, [...trail, f]);
    state.set(f, 'done');
  };
  for (const f of files) visit(f, []);
  expect(cycles).toEqual([]);
});

test('tensor.ts imports no op, and each op file attaches its own method', () => {
  expect(graph.get(path.join(SRC, 'tensor.ts'))!.filter((d) => unit(d) === 'ops')).toEqual([]);
  const add = fs.readFileSync(path.join(SRC, 'ops/add.ts'), 'utf8');
  expect(add).toMatch(/declare module '\.\.\/tensor'/);
  expect(add).toMatch(/Tensor\.prototype\.add = /);
});
