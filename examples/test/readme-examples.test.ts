import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * The code in the READMEs is what users copy first. Every block that follows a
 * `<!-- readme-example:NAME -->` marker is compiled and run here: it must not throw, it must
 * print at least one boolean, and every boolean it prints is a claim that must be true.
 */
const root = path.join(__dirname, '../..');
const docs = [
  'README.md',
  'packages/core/README.md',
  'packages/nn/README.md',
  'packages/onnx/README.md',
  'packages/datasets/README.md',
  'packages/plot/README.md',
  'examples/README.md',
];
const blocks = docs
  .filter((f) => fs.existsSync(path.join(root, f)))
  .flatMap((f) =>
    [
      ...fs
        .readFileSync(path.join(root, f), 'utf8')
        .matchAll(/<!-- readme-example:([\w-]+) -->\s*```ts\n([\s\S]*?)```/g),
    ].map((m) => [`${f}: ${m[1]}`, m[2]] as [string, string]),
  );

test('the root README has runnable examples for the core, the transforms and nn', () => {
  const names = blocks.filter(([n]) => n.startsWith('README.md')).map(([n]) => n.slice('README.md: '.length));
  expect(names).toEqual(
    expect.arrayContaining([
      'quickstart',
      'property',
      'create-graph',
      'functional',
      'gradgradcheck',
      'hooks',
      'graph-export',
      'anomaly',
      'custom-op',
      'spiral',
    ]),
  );
});

test.each(blocks)('%s runs and its claims hold', (_name, source) => {
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
