/**
 * Resolves @tapegrad/* to the TypeScript sources in the child process the bad-input runner
 * starts (what jest's moduleNameMapper does for the tests), so it never runs stale build output.
 */
import Module from 'module';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const MAP: Record<string, string> = {
  '#platform': 'packages/core/src/platform/node.ts',
  '@tapegrad/core/testing': 'packages/core/src/testing/index.ts',
  '@tapegrad/core/node': 'packages/core/src/node/index.ts',
};
for (const p of ['core', 'nn', 'onnx', 'datasets', 'plot', 'cli']) MAP[`@tapegrad/${p}`] = `packages/${p}/src/index.ts`;

type Resolve = (request: string, ...rest: unknown[]) => string;
const resolver = Module as unknown as { _resolveFilename: Resolve };
const original = resolver._resolveFilename;
resolver._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  const mapped = MAP[request];
  return original.call(this, mapped === undefined ? request : path.join(ROOT, mapped), ...rest);
};
