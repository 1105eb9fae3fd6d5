// Child-process half of src/vega.ts: reads a vega-lite spec as JSON on stdin, writes the SVG to
// stdout. vega and vega-lite are ESM-only; running them in a plain Node process works the same
// under ts-node, compiled code and jest (whose VM cannot `import()` without a flag).
import { compile } from 'vega-lite';
import { View, parse } from 'vega';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const spec = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const view = new View(parse(compile(spec).spec), { renderer: 'none' });
process.stdout.write(await view.toSVG());
