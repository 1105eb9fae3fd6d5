import { fmtShape } from '../errors';
import type { Tensor } from '../tensor';
import type { Node } from '../autograd/op';

/** Options of {@link toDot} and {@link toMermaid}. */
export interface GraphExportOptions {
  /** Show each tensor's shape and dtype. Default true. */
  showShapes?: boolean;
  /** Show the values of tensors with at most `maxValues` elements. Default false. */
  showValues?: boolean;
  /** Largest tensor whose values are shown. Default 8. */
  maxValues?: number;
}

/** A tensor vertex of the exported graph: `t0, t1, …` in computation order. */
export interface GraphTensor {
  id: string;
  tensor: Tensor;
  /** Leaf requiring grad (a parameter or input), constant (requires none), or computed. */
  kind: 'leaf' | 'constant' | 'computed';
}

/** An op vertex of the exported graph: `f0, f1, …` in computation order. */
export interface GraphOp {
  id: string;
  node: Node;
  inputs: string[];
  output: string;
}

/**
 * The recorded graph behind `y` with ids given by traversal order (inputs before the tensors
 * computed from them, depth-first in argument order), never by the global `Node.id`, so the same
 * program exports the same text every time.
 *
 * @example
 * const { tensors, ops } = collectGraph(y); ops.map((o) => o.node.op.name);
 */
export function collectGraph(y: Tensor): { tensors: GraphTensor[]; ops: GraphOp[] } {
  const tensors: GraphTensor[] = [];
  const ops: GraphOp[] = [];
  const ids = new Map<Tensor, string>();
  const stack: { t: Tensor; i: number }[] = [{ t: y, i: 0 }];
  const onStack = new Set<Tensor>([y]);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const inputs = top.t.creator?.inputs ?? [];
    if (top.i < inputs.length) {
      const x = inputs[top.i++];
      if (!ids.has(x) && !onStack.has(x)) {
        onStack.add(x);
        stack.push({ t: x, i: 0 });
      }
      continue;
    }
    stack.pop();
    const t = top.t;
    const id = `t${tensors.length}`;
    const node = t.creator;
    if (node !== null) {
      ops.push({ id: `f${ops.length}`, node, inputs: node.inputs.map((x) => ids.get(x)!), output: id });
    }
    ids.set(t, id);
    tensors.push({ id, tensor: t, kind: node !== null ? 'computed' : t.requiresGrad ? 'leaf' : 'constant' });
  }
  return { tensors, ops };
}

function tensorLabel(t: Tensor, o: GraphExportOptions): string[] {
  const { showShapes = true, showValues = false, maxValues = 8 } = o;
  const lines: string[] = [];
  if (t.name !== null) lines.push(t.name);
  if (showShapes) lines.push(`${fmtShape(t.shape)} ${t.dtype}`);
  if (showValues && t.size <= maxValues) {
    lines.push(JSON.stringify(Array.from(t.data, (v) => Number(v.toPrecision(4)))));
  }
  return lines;
}

const dotEscape = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/**
 * Graphviz DOT of the graph recorded behind `y`, like DeZero's `plot_dot_graph`: tensors are
 * ellipses (named ones show `t.name`; parameters orange, constants grey), ops are boxes, edges
 * follow the data. Render with `dot -Tpng`.
 *
 * @example
 * W.name = 'W'; const y = tanh(matmul(x, W).add(b));
 * fs.writeFileSync('graph.dot', toDot(y, { showShapes: true }));
 */
export function toDot(y: Tensor, options: GraphExportOptions = {}): string {
  const { tensors, ops } = collectGraph(y);
  const fill = { leaf: 'orange', constant: 'lightgrey', computed: 'white' };
  const lines = ['digraph tapegrad {', '  node [fontname="Helvetica"];'];
  for (const t of tensors) {
    const label = dotEscape(tensorLabel(t.tensor, options).join('\n')).replace(/\n/g, '\\n');
    lines.push(`  ${t.id} [label="${label}", shape=ellipse, style=filled, fillcolor=${fill[t.kind]}];`);
  }
  for (const f of ops) {
    lines.push(`  ${f.id} [label="${dotEscape(f.node.op.name)}", shape=box, style=filled, fillcolor=lightblue];`);
  }
  for (const f of ops) {
    for (const x of f.inputs) lines.push(`  ${x} -> ${f.id};`);
    lines.push(`  ${f.id} -> ${f.output};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

const mermaidEscape = (s: string): string => s.replace(/"/g, '#quot;');

/**
 * The same graph as {@link toDot} as a Mermaid flowchart, for Markdown that renders Mermaid
 * (GitHub does): tensors are rounded, ops are boxes.
 *
 * @example
 * console.log('```mermaid\n' + toMermaid(loss) + '```');
 */
export function toMermaid(y: Tensor, options: GraphExportOptions = {}): string {
  const { tensors, ops } = collectGraph(y);
  const lines = ['flowchart TD'];
  for (const t of tensors) {
    const label = mermaidEscape(tensorLabel(t.tensor, options).join('<br/>')) || ' ';
    lines.push(`  ${t.id}(["${label}"])`);
  }
  for (const f of ops) lines.push(`  ${f.id}["${mermaidEscape(f.node.op.name)}"]`);
  for (const f of ops) {
    for (const x of f.inputs) lines.push(`  ${x} --> ${f.id}`);
    lines.push(`  ${f.id} --> ${f.output}`);
  }
  return lines.join('\n') + '\n';
}
