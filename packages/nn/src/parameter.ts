import { type DType, type TypedArray, Tensor, astype, noGrad } from '@tapegrad/core';

/**
 * A learnable tensor: a leaf that requires grad and that {@link Module} recognises as one of
 * its parameters when it is assigned to a field (or registered explicitly).
 *
 * @example
 * const w = new Parameter(randn([3, 2]));
 * w.requiresGrad; // true
 */
export class Parameter extends Tensor {
  /** Wraps `value`'s storage (no copy) as a new leaf parameter; a typed array needs `shape`. */
  constructor(value: Tensor | TypedArray, shape?: readonly number[]) {
    if (value instanceof Tensor) super(value.data, value.shape);
    else super(value, shape ?? [value.length]);
    this.requiresGrad = true;
  }

  /**
   * A new Parameter holding this one's values converted to `dtype` (a copy even when equal).
   *
   * @example
   * const w64 = w.cast('float64');
   * w64.dtype; // 'float64'
   */
  cast(dtype: DType): Parameter {
    const converted = noGrad(() => astype(this.detach(), dtype)).data;
    return new Parameter(converted === this.data ? converted.slice() : converted, this.shape);
  }
}

/**
 * True for tensors that are {@link Parameter}s.
 *
 * @example
 * isParameter(new Parameter(zeros([2]))); // true
 * isParameter(zeros([2])); // false
 */
export function isParameter(x: unknown): x is Parameter {
  return x instanceof Parameter;
}

/**
 * Replaces every Parameter held in the fields of `modules` (directly or in arrays) by a copy of
 * dtype `dtype`; a Parameter held in several places is converted once, so ties survive.
 *
 * @example
 * castParameters(model.namedModules().values(), 'float64');
 * model.parameters()[0].dtype; // 'float64'
 */
export function castParameters(modules: Iterable<object>, dtype: DType): void {
  const converted = new Map<Parameter, Parameter>();
  const conv = (p: Parameter): Parameter => {
    let q = converted.get(p);
    if (q === undefined) {
      q = p.dtype === dtype ? p : p.cast(dtype);
      converted.set(p, q);
    }
    return q;
  };
  for (const mod of modules) {
    const self = mod as Record<string, unknown>;
    for (const key of Object.keys(mod)) {
      const v = self[key];
      if (v instanceof Parameter) self[key] = conv(v);
      else if (Array.isArray(v)) v.forEach((e, i) => e instanceof Parameter && (v[i] = conv(e)));
    }
  }
}
