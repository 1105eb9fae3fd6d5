import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundlePage, nodeBuiltinsIn } from './bundle';

// `esbuild --bundle --platform=browser` of an app importing @tapegrad/core, nn and datasets:
// it must succeed (a Node built-in cannot even be resolved for that platform) and the bundle
// must import nothing of Node's.
test('tapegrad bundles for the browser with no Node.js built-in module', async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-bundle-')), 'app.js');
  const meta = await bundlePage('test/browser/pages/bundle-entry.ts', out);
  expect(nodeBuiltinsIn(meta)).toEqual([]);
  const inputs = Object.keys(meta.inputs);
  // the ESM build of each package, with its browser platform files
  for (const p of ['core', 'nn', 'datasets']) {
    expect(inputs).toContain(`packages/${p}/dist/esm/index.js`);
    expect(inputs.some((f) => f.startsWith(`packages/${p}/dist/esm/platform/browser.js`))).toBe(true);
  }
  expect(inputs.filter((f) => /platform\/node\.js|cli-progress|atomic-write/.test(f))).toEqual([]);
  const code = fs.readFileSync(out, 'utf8');
  expect(code).not.toMatch(
    /require\(["'](node:)?(fs|path|os|v8|worker_threads|crypto|zlib|module|child_process)["']\)/,
  );
  // the CSVs of the classic sets reach the browser embedded; only those the app uses (iris)
  expect(code).toContain('150,4,setosa,versicolor,virginica');
  expect(code).not.toContain('569,30,malignant,benign');
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
});
