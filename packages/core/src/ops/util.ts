import { type DType, isFloat } from '../dtype';
import { checkTensor, describe } from '../check';
import { DTypeError } from '../errors';
import { empty, emptyOverwritten } from '../creation';
import { Tensor } from '../tensor';
import { kernels, type UnaryKernel } from '../kernels';

/** A plain number standing in for a tensor. */
export type Scalar = number;

/** A tensor, or a number that takes the other operand's dtype (PyTorch's "weak" scalars). */
export type TensorLike = Tensor | Scalar;

/** Turns a number into a scalar tensor of `dtype`; passes tensors through. */
export function toTensor(op: string, x: TensorLike, dtype: DType, name = 'x'): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== 'number') throw new DTypeError(`${op}: ${name} must be a Tensor or a number, got ${describe(x)}`);
  // dtypeNextTo gives int32 only to numbers int32 holds exactly.
  const t = empty([], dtype);
  t.data[0] = x;
  return t;
}

/**
 * The dtype a number operand adopts next to `other`: the tensor's dtype, except that a number
 * int32 cannot hold exactly (0.5, 1e10) next to an int32 tensor is float32, as PyTorch does,
 * rather than silently truncated.
 */
export function dtypeNextTo(x: TensorLike, other: TensorLike): DType {
  if (other instanceof Tensor) {
    if (other.dtype === 'int32' && typeof x === 'number' && (x | 0) !== x) return 'float32';
    return other.dtype;
  }
  if (x instanceof Tensor) return x.dtype;
  return 'float32';
}

/** Throws a DTypeError unless `t` is float (the differentiable ops need it). */
export function checkFloat(op: string, name: string, t: Tensor): void {
  checkTensor(op, name, t);
  if (!isFloat(t.dtype)) {
    throw new DTypeError(`${op}: ${name} must be float32 or float64, got ${t.dtype}; convert with .astype('float32')`);
  }
}

/** Applies a unary kernel into a fresh tensor of the same shape and dtype. */
export function mapUnary(kind: UnaryKernel, x: Tensor): Tensor {
  const out = emptyOverwritten(x.shape, x.dtype);
  kernels().unary(kind, x.data, out.data);
  return out;
}

/**
 * The shape (or axes) a method was given, as separate numbers or one array.
 *
 * @example
 * shapeArgs([2, 3]); shapeArgs([[2, 3]]); // both [2, 3]
 */
export function shapeArgs(args: number[] | [readonly number[]]): readonly number[] {
  return args.length === 1 && Array.isArray(args[0]) ? (args[0] as readonly number[]) : (args as number[]);
}
