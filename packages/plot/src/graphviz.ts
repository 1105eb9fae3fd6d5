import { runHelper } from './child';

/**
 * Lays out a Graphviz DOT graph as SVG with the WASM build of Graphviz from npm (no system
 * binary needed).
 *
 * @example
 * fs.writeFileSync('graph.svg', dotToSvg(toDot(loss)));
 */
export function dotToSvg(dot: string): string {
  return runHelper('render-dot.mjs', dot, 'dotToSvg');
}
