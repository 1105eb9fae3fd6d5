import { Tensor, empty } from '@tapegrad/core';
import type { AxisSymbol } from './align';
import { DynamicAxisError } from './errors';
import type { Resolved } from './options';

/**
 * The dynamic input axes as symbols, each with a second extent for the second trace: `a + 1 + k`
 * for the k-th distinct name, so no two names change the same way and a static extent (equal in
 * both traces) is never taken for one.
 *
 * @example
 * inputSymbols(resolveOptions({ dynamicAxes: { input: { 0: 'batch' } } }, 1, 1), [zeros([3, 2])]);
 * // [{ name: 'batch', input: 0, axis: 0, a: 3, b: 4 }]
 */
export function inputSymbols(opts: Resolved, inputs: readonly Tensor[]): AxisSymbol[] {
  const symbols: AxisSymbol[] = [];
  const order: string[] = [];
  opts.inputNames.forEach((value, input) => {
    const x = inputs[input];
    for (const [axis, name] of opts.axes.get(value) ?? []) {
      if (axis >= x.ndim) {
        throw new DynamicAxisError(
          `exportOnnx: dynamic axis '${name}' is axis ${axis} of input '${value}', which has shape [${x.shape.join(',')}]`,
        );
      }
      const a = x.shape[axis];
      const other = symbols.find((s) => s.name === name);
      if (other !== undefined && other.a !== a) {
        throw new DynamicAxisError(
          `exportOnnx: dynamic axis '${name}' has extent ${a} in input '${value}' but ${other.a} in input ` +
            `'${opts.inputNames[other.input]}'; axes sharing a name must agree in the example`,
        );
      }
      if (!order.includes(name)) order.push(name);
      symbols.push({ name, input, axis, a, b: a + 1 + order.indexOf(name) });
    }
  });
  return symbols;
}

/**
 * Inputs for the second trace: the dynamic axes at their second extent, and other values (the
 * example's, cycled and mapped by v ↦ 0.5 − 0.75·v), so that anything computed from the input
 * outside the tape shows up as a constant that differs between the traces. int32 inputs are ids
 * whose valid range only the model knows, so they get the example's own values in reverse order
 * (cycled): other positions, every one still valid.
 *
 * @example
 * variantInputs([tensor([[1, 2]])], [{ name: 'batch', input: 0, axis: 0, a: 1, b: 2 }]); // [[-0.25, -1], [-0.25, -1]]
 */
export function variantInputs(inputs: readonly Tensor[], symbols: readonly AxisSymbol[]): Tensor[] {
  return inputs.map((x, i) => {
    const shape = x.shape.map((d, axis) => symbols.find((s) => s.input === i && s.axis === axis)?.b ?? d);
    const out = empty(shape, x.dtype);
    const n = x.size;
    if (x.dtype === 'int32') {
      for (let j = 0; j < out.size; j++) out.data[j] = n === 0 ? 0 : x.data[n - 1 - (j % n)];
      return out;
    }
    for (let j = 0; j < out.size; j++) out.data[j] = n === 0 ? 0 : 0.5 - 0.75 * x.data[j % n];
    return out;
  });
}
