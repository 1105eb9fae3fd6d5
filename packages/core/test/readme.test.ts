import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * The README's examples are code users copy first: every block that follows a
 * `<!-- readme-example:NAME -->` marker is compiled and run here, so it cannot rot.
 */
const readme = fs.readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');
const blocks = [...readme.matchAll(/<!-- readme-example:([\w-]+) -->\s*```ts\n([\s\S]*?)```/g)];

test('the README has runnable examples', () => {
  expect(blocks.length).toBeGreaterThan(0);
});

test.each(blocks.map((m) => [m[1], m[2]]))('README example %s runs', (_name, source) => {
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  const logs: unknown[][] = [];
  const fakeConsole = { ...console, log: (...args: unknown[]) => logs.push(args) };
  new Function('require', 'console', 'exports', js)(require, fakeConsole, {});
  // An example must run without throwing; the booleans it prints are claims that must hold.
  for (const line of logs) for (const v of line) if (typeof v === 'boolean') expect(v).toBe(true);
});
