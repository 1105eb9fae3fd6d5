// Child-process half of src/graphviz.ts: reads DOT on stdin, writes the SVG laid out by Graphviz
// (the WASM build from @hpcc-js/wasm-graphviz, ESM-only) to stdout.
import { Graphviz } from '@hpcc-js/wasm-graphviz';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const graphviz = await Graphviz.load();
process.stdout.write(graphviz.layout(Buffer.concat(chunks).toString('utf8'), 'svg', 'dot'));
