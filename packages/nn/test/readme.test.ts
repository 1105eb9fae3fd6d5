import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/** Every block after a `<!-- readme-example:NAME -->` marker in the package README is run here. */
const readme = fs.readFileSync(path.join(__dirname, '../README.md'), 'utf8');
const blocks = [...readme.matchAll(/<!-- readme-example:([\w-]+) -->\s*```ts\n([\s\S]*?)```/g)];

test('the README has runnable examples', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(4);
});

test.each(blocks.map((m) => [m[1], m[2]]))('README example %s runs', (_name, source) => {
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
