import * as tg from '@tapegrad/core';
import { gradgradcheck } from '@tapegrad/core/testing';

const { grad, valueAndGrad, vjp, jvp, hvp, jacobian, hessian, tensor } = tg;
const f64 = (v: tg.NestedNumbers) => tensor(v, { dtype: 'float64' });
const close = (a: tg.Tensor, b: tg.Tensor | number[] | number, tol = 1e-9) => {
  const want = b instanceof tg.Tensor ? Array.from(b.data) : Array.isArray(b) ? b.flat(9) : [b];
  expect(a.size).toBe(want.length);
  Array.from(a.data).forEach((v, i) => expect(Math.abs(v - (want[i] as number))).toBeLessThanOrEqual(tol));
};

describe('grad / valueAndGrad / vjp', () => {
  test('grad of a scalar function, and purity: no .grad, no graph on the result', () => {
    const x = f64([1, 2, 3]);
    const g = grad((t: tg.Tensor) => t.pow(3).sum())(x);
    close(g, [3, 12, 27]);
    expect(x.grad).toBeNull();
    expect(x.requiresGrad).toBe(false);
    expect(g.creator).toBeNull();
    expect(g.requiresGrad).toBe(false);
  });

  test('leaves no .grad on inputs that require grad, and does not touch their graph', () => {
    const w = f64([0.5, -1]);
    w.requiresGrad = true;
    const h = w.mul(3);
    const { value, grads } = valueAndGrad((a: tg.Tensor, b: tg.Tensor) => a.mul(b).sum(), { argnums: [0, 1] })(h, w);
    close(value, 0.5 * 1.5 + -1 * -3);
    close(grads[0], [0.5, -1]);
    close(grads[1], [1.5, -3]);
    expect(w.grad).toBeNull();
    // The outer graph h = 3w is intact: it can still be differentiated.
    h.sum().backward();
    close(w.grad!, [3, 3]);
  });

  test('vjp returns { value, grads } with one gradient per input and leaves no .grad', () => {
    const a = f64([
      [1, 2],
      [3, 4],
    ]);
    const b = f64([10, 20]);
    a.requiresGrad = true;
    const { value, grads } = vjp(
      (x, y) => x.mul(y),
      [a, b],
      f64([
        [1, 0],
        [0, 2],
      ]),
    );
    close(value, [10, 40, 30, 80]);
    close(grads[0], [10, 0, 0, 40]);
    close(grads[1], [1, 8]);
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
  });

  test('argnums: a number gives one tensor, a list gives a list in that order', () => {
    const f = (a: tg.Tensor, b: tg.Tensor) => a.mul(b.square()).sum();
    const a = f64([2]);
    const b = f64([3]);
    close(grad(f, { argnums: 1 })(a, b), [12]);
    const [gb, ga] = grad(f, { argnums: [1, 0] })(a, b);
    close(gb, [12]);
    close(ga, [9]);
  });

  test('the same tensor passed twice gets one gradient per argument', () => {
    const x = f64([2]);
    const [g0, g1] = grad((a: tg.Tensor, b: tg.Tensor) => a.mul(b.square()).sum(), { argnums: [0, 1] })(x, x);
    close(g0, [4]);
    close(g1, [8]);
  });

  test('an input f does not use gets zeros', () => {
    close(grad((_a: tg.Tensor, b: tg.Tensor) => b.sum(), { argnums: 0 })(f64([1, 2]), f64([3])), [0, 0]);
  });

  test('errors: non-scalar output, int32 argument, argnum out of range, wrong cotangent shape', () => {
    expect(() => grad((t: tg.Tensor) => t.mul(2))(f64([1, 2]))).toThrow(/must return a scalar.*\[2\]/);
    expect(() => grad((t: tg.Tensor) => t.sum())(tensor([1], { dtype: 'int32' }))).toThrow(tg.DTypeError);
    expect(() => grad((t: tg.Tensor) => t.sum(), { argnums: 2 })(f64([1]))).toThrow(/argnum 2 is out of range/);
    expect(() => vjp((t) => t.mul(2), [f64([1, 2])], f64([1]))).toThrow(/cotangent has shape \[1\].*\[2\]/);
  });

  test('works inside noGrad (inputs are constants there)', () => {
    const x = f64([3]);
    x.requiresGrad = true;
    const g = tg.noGrad(() => grad((t: tg.Tensor) => t.square().sum())(x));
    close(g, [6]);
    expect(g.requiresGrad).toBe(false);
  });
});

describe('higher order', () => {
  const x5 = (t: tg.Tensor) => t.pow(5).sum();

  test('nesting three (and four) levels: derivatives of x⁵ at 2', () => {
    const x = f64(2);
    close(grad(x5)(x), 80); // 5x⁴
    close(grad(grad(x5))(x), 160); // 20x³
    close(grad(grad(grad(x5)))(x), 240); // 60x²
    close(grad(grad(grad(grad(x5))))(x), 240); // 120x
    close(grad(grad(grad((t: tg.Tensor) => t.pow(5).mul(2).sum())))(x), 480); // of 2x⁵
    expect(x.grad).toBeNull();
  });

  test("Newton's method on x⁴ − 2x² from x = 2 converges in ≤ 10 steps (DeZero step 33)", () => {
    const f = (t: tg.Tensor) => t.pow(4).sub(t.pow(2).mul(2)).sum();
    const df = grad(f);
    const d2f = grad(grad(f));
    let x = f64(2);
    const seq: number[] = [];
    while (Math.abs(x.item() - 1) > 1e-12 && seq.length < 10) {
      x = tg.noGrad(() => x.sub(df(x).div(d2f(x))));
      seq.push(x.item());
    }
    expect(Math.abs(x.item() - 1)).toBeLessThanOrEqual(1e-12);
    expect(seq.length).toBeLessThanOrEqual(10);
    // DeZero's printed iterates.
    close(
      f64(seq.slice(0, 5)),
      [1.4545454545454546, 1.1510467893775467, 1.0253259289766978, 1.0009084519430513, 1.0000012353089454],
      1e-12,
    );
  });

  test('closed forms: x³, tanh, sigmoid', () => {
    const xs = f64([-1.5, -0.3, 0, 0.7, 2]);
    // Elementwise second derivatives: grad of the summed elementwise first derivative.
    const d2 = (f: (t: tg.Tensor) => tg.Tensor) =>
      grad((t: tg.Tensor) => grad((u: tg.Tensor) => f(u).sum())(t).sum())(xs);
    close(
      d2((t) => t.pow(3)),
      xs.mul(6),
    );
    const th = xs.tanh();
    close(
      d2((t) => t.tanh()),
      th.mul(-2).mul(th.square().neg().add(1)),
      1e-12,
    );
    const s = xs.sigmoid();
    close(
      d2((t) => t.sigmoid()),
      s.mul(s.neg().add(1)).mul(s.mul(-2).add(1)),
      1e-12,
    );
  });

  test('a gradient computed with recording on is differentiable by backward() (gradient penalty)', () => {
    const w = f64([1.5, -2]);
    w.requiresGrad = true;
    const x = f64([0.3, 0.4]);
    // g = ∂/∂x Σ tanh(w·x) = w·(1 − tanh²(w·x)), then ‖g‖² is back-propagated to w.
    const g = grad((t: tg.Tensor) => t.mul(w).tanh().sum())(x);
    expect(g.requiresGrad).toBe(true);
    g.square().sum().backward();
    const numeric = tg.noGrad(() =>
      [0, 1].map((i) => {
        const h = 1e-6;
        const pen = (d: number) => {
          const wp = f64(Array.from(w.data, (v, j) => (j === i ? v + d : v)));
          const u = wp.mul(x).tanh();
          return wp.mul(u.square().neg().add(1)).square().sum().item();
        };
        return (pen(h) - pen(-h)) / (2 * h);
      }),
    );
    close(w.grad!, numeric, 1e-6);
    expect(x.grad).toBeNull();
  });

  test('createGraph: false gives plain results even for parameters; true connects even inside noGrad', () => {
    const w = f64([2]);
    w.requiresGrad = true;
    const f = (t: tg.Tensor) => t.pow(3).sum();
    expect(grad(f)(w).requiresGrad).toBe(true); // default: recording on and w requires grad
    const plain = grad(f, { createGraph: false })(w);
    expect(plain.requiresGrad).toBe(false);
    close(plain, [12]);
    const { grads } = vjp((t) => t.square(), [w], f64([1]), { createGraph: false });
    expect(grads[0].requiresGrad).toBe(false);
    const forced = tg.noGrad(() => grad(f, { createGraph: true })(w));
    expect(forced.requiresGrad).toBe(true);
    forced.sum().backward();
    close(w.grad!, [12]); // d/dw 3w² = 6w
  });

  test('backward({ createGraph: true }) keeps the graph by default, so the gradient can be differentiated', () => {
    const x = f64(3);
    x.requiresGrad = true;
    const y = x.pow(3);
    y.backward(undefined, { createGraph: true });
    const gx = x.grad!;
    close(gx, 27);
    x.grad = null;
    gx.backward();
    close(x.grad!, 18);
  });

  test('a rule that is not differentiable is refused under createGraph, not silently wrong', () => {
    const rawSquare = tg.defineOp({
      name: 'rawSquare',
      forward: ([a]) => tg.noGrad(() => a.mul(a)),
      // A rule with a raw loop: correct once, but its result is not recorded.
      backward: (gy, node) => {
        const out = tg.zerosLike(gy);
        for (let i = 0; i < out.size; i++) out.data[i] = 2 * node.inputs[0].data[i] * gy.data[i];
        return [out];
      },
    });
    const f = (t: tg.Tensor) => tg.runOp(rawSquare, [t], undefined).sum();
    close(grad(f)(f64([3])), 6);
    expect(() => grad(grad(f))(f64([3]))).toThrow(/rawSquare: its backward rule is not differentiable/);
  });

  test('gradgradcheck reports a rule whose own derivative is wrong', () => {
    const badSquare = tg.defineOp({
      name: 'badSquare',
      forward: ([a]) => tg.noGrad(() => a.mul(a)),
      // Treats x as a constant inside the rule: first derivative right, second wrong.
      backward: (gy, node) => [gy.mul(node.inputs[0].detach()).mul(2)],
    });
    const x = f64([0.5, -1.25]);
    const report = gradgradcheck((t) => tg.runOp(badSquare, [t], undefined), [x], { raise: false });
    expect(report.ok).toBe(false);
    expect(report.message).toMatch(/gradgradcheck: gradient mismatch for input 0 \(shape \[2\]\)/);
    expect(() => gradgradcheck((t) => t.mul(t), [x])).not.toThrow();
  });
});

describe('hessian, hvp, jvp, jacobian', () => {
  const A = f64([
    [2, -1, 0.5],
    [3, 1, -2],
    [0, 4, 1],
  ]);
  const quad = (x: tg.Tensor) => x.matmul(A).matmul(x).mul(0.5);
  const x0 = f64([0.3, -1.2, 2]);

  test('hessian of ½xᵀAx is (A + Aᵀ)/2', () => {
    const H = hessian(quad, x0);
    expect(H.shape).toEqual([3, 3]);
    close(H, A.add(A.T).mul(0.5), 1e-12);
  });

  test('hvp equals hessian·v', () => {
    const f = (x: tg.Tensor) => x.tanh().mul(x.exp()).sum().add(quad(x));
    const v = f64([1, -0.5, 2]);
    const [hv] = hvp(f, [x0], [v]);
    close(hv, hessian(f, x0).matmul(v), 1e-10);
  });

  test('jvp equals jacobian·v, and the value is f(x)', () => {
    const f = (x: tg.Tensor) => x.softmax().mul(x.sum());
    const v = f64([0.2, 1, -3]);
    const { value, tangent } = jvp(f, [x0], [v]);
    const J = jacobian(f, x0);
    expect(J.shape).toEqual([3, 3]);
    close(tangent, J.matmul(v), 1e-10);
    close(value, f(x0), 1e-12);
  });

  test('jacobian has shape [...y.shape, ...x.shape]', () => {
    const x = f64([
      [1, 2],
      [3, 4],
    ]);
    const J = jacobian((t) => t.sum(0), x);
    expect(J.shape).toEqual([2, 2, 2]);
    close(J, [1, 0, 1, 0, 0, 1, 0, 1]);
  });

  test('jvp of several inputs sums their contributions', () => {
    const { tangent } = jvp((a, b) => a.mul(b), [f64([1, 2]), f64([3, 4])], [f64([1, 1]), f64([0, 1])]);
    close(tangent, [3, 4 + 2]);
  });
});
