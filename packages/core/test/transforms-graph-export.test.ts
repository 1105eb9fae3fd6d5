import * as tg from '@tapegrad/core';

/** y = tanh(x·W + b) with x a named constant [2,3], W [3,4] and b [4] named parameters. */
function layer(): tg.Tensor {
  const x = tg.ones([2, 3]);
  x.name = 'x';
  const W = tg.ones([3, 4], { requiresGrad: true });
  W.name = 'W';
  const b = tg.zeros([4], { requiresGrad: true });
  b.name = 'b';
  const y = tg.tanh(tg.matmul(x, W).add(b));
  y.name = 'y';
  return y;
}

/** Parses `id [label="…", …];` and `a -> b;` lines of a DOT document. */
function parseDot(dot: string) {
  const nodes = new Map<string, { label: string; attrs: string }>();
  const edges: string[] = [];
  for (const line of dot.split('\n')) {
    const n = /^\s*(\w+) \[label="((?:[^"\\]|\\.)*)"(.*)\];$/.exec(line);
    if (n) nodes.set(n[1], { label: n[2], attrs: n[3] });
    const e = /^\s*(\w+) -> (\w+);$/.exec(line);
    if (e) edges.push(`${e[1]}->${e[2]}`);
  }
  return { nodes, edges };
}

describe('toDot', () => {
  test('y = tanh(x·W + b): exactly the expected nodes and edges', () => {
    const dot = tg.toDot(layer(), { showShapes: true });
    expect(dot.startsWith('digraph tapegrad {')).toBe(true);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
    const { nodes, edges } = parseDot(dot);
    // Tensors t0… in computation order, ops f0… in the order they ran.
    const expected: Record<string, [string, RegExp]> = {
      t0: ['x\\n[2,3] float32', /shape=ellipse.*fillcolor=lightgrey/],
      t1: ['W\\n[3,4] float32', /shape=ellipse.*fillcolor=orange/],
      t2: ['[2,4] float32', /shape=ellipse.*fillcolor=white/],
      t3: ['b\\n[4] float32', /shape=ellipse.*fillcolor=orange/],
      t4: ['[2,4] float32', /shape=ellipse/],
      t5: ['[2,4] float32', /shape=ellipse/],
      t6: ['y\\n[2,4] float32', /shape=ellipse/],
      f0: ['matmul', /shape=box/],
      f1: ['broadcastTo', /shape=box/],
      f2: ['add', /shape=box/],
      f3: ['tanh', /shape=box/],
    };
    expect([...nodes.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [id, [label, attrs]] of Object.entries(expected)) {
      expect(nodes.get(id)!.label).toBe(label);
      expect(nodes.get(id)!.attrs).toMatch(attrs);
    }
    expect(edges.sort()).toEqual(
      [
        't0->f0',
        't1->f0',
        'f0->t2', // x·W
        't3->f1',
        'f1->t4', // b broadcast to [2,4]
        't2->f2',
        't4->f2',
        'f2->t5', // + b
        't5->f3',
        'f3->t6', // tanh
      ].sort(),
    );
  });

  test('is deterministic: the same program gives the same text, whatever ran before', () => {
    const first = tg.toDot(layer());
    tg.tensor([1], { requiresGrad: true }).mul(2).exp(); // advances the global node ids
    expect(tg.toDot(layer())).toBe(first);
  });

  test('showShapes: false leaves only names; showValues adds small tensors’ values', () => {
    const y = layer();
    const bare = parseDot(tg.toDot(y, { showShapes: false })).nodes;
    expect(bare.get('t1')!.label).toBe('W');
    expect(bare.get('t2')!.label).toBe('');
    const valued = parseDot(tg.toDot(y, { showValues: true, maxValues: 4 })).nodes;
    expect(valued.get('t3')!.label).toBe('b\\n[4] float32\\n[0,0,0,0]');
    expect(valued.get('t2')!.label).toBe('[2,4] float32'); // 8 elements > maxValues
  });

  test('a tensor used twice appears once, with two edges into its consumer', () => {
    const x = tg.tensor([1, 2], { requiresGrad: true });
    const { nodes, edges } = parseDot(tg.toDot(x.mul(x)));
    expect(nodes.size).toBe(3);
    expect(edges).toEqual(['t0->f0', 't0->f0', 'f0->t1']);
  });

  test('names with quotes are escaped', () => {
    const x = tg.tensor([1], { requiresGrad: true });
    x.name = 'say "hi"';
    expect(tg.toDot(x.exp())).toContain('label="say \\"hi\\"\\n[1] float32"');
  });
});

describe('toMermaid', () => {
  test('the same graph as a Mermaid flowchart', () => {
    const lines = tg.toMermaid(layer()).trimEnd().split('\n');
    expect(lines[0]).toBe('flowchart TD');
    expect(lines).toContain('  t1(["W<br/>[3,4] float32"])');
    expect(lines).toContain('  f1["broadcastTo"]');
    expect(lines).toContain('  t3 --> f1');
    expect(lines).toContain('  f3 --> t6');
    expect(lines.filter((l) => l.includes('-->'))).toHaveLength(10);
  });
});
