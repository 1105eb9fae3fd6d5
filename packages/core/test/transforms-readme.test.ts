import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * TRANSFORMS.md's examples, run like the README's (same markers, same rule: they must run, and
 * every boolean they print is a claim that must hold).
 */
const doc = fs.readFileSync(path.join(__dirname, '../TRANSFORMS.md'), 'utf8');
const blocks = [...doc.matchAll(/<!-- readme-example:([\w-]+) -->\s*```ts\n([\s\S]*?)```/g)];

test('TRANSFORMS.md has an example per feature', () => {
  expect(blocks.map((m) => m[1])).toEqual([
    'create-graph',
    'functional',
    'gradgradcheck',
    'hooks',
    'graph-export',
    'anomaly',
  ]);
});

test.each(blocks.map((m) => [m[1], m[2]]))('TRANSFORMS.md example %s runs', (_name, source) => {
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  const logs: unknown[][] = [];
  const fakeConsole = { ...console, log: (...args: unknown[]) => logs.push(args) };
  new Function('require', 'console', 'exports', js)(require, fakeConsole, {});
  const claims = logs.flat().filter((v) => typeof v === 'boolean');
  expect(claims.length).toBeGreaterThan(0);
  for (const v of claims) expect(v).toBe(true);
});
