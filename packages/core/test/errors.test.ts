import * as tg from '@tapegrad/core';
import {
  DTypeError,
  GraphError,
  IndexError,
  Rng,
  ShapeError,
  TapegradError,
  ValueError,
  tensor,
  zeros,
} from '@tapegrad/core';

type ErrorClass = new (message: string) => TapegradError;

/** Asserts `f` throws exactly `type` with exactly `message`. */
function expectError(f: () => unknown, type: ErrorClass, message: string | RegExp): void {
  let caught: unknown = null;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(type);
  expect(caught).toBeInstanceOf(TapegradError);
  expect((caught as Error).name).toBe(type.name);
  if (typeof message === 'string') expect((caught as Error).message).toBe(message);
  else expect((caught as Error).message).toMatch(message);
}

const int = (shape: number[]): tg.Tensor => zeros(shape, { dtype: 'int32' });

describe('ShapeError names the op and the shapes', () => {
  test('matmul', () => {
    expectError(
      () => tg.matmul(zeros([2, 3]), zeros([4, 5])),
      ShapeError,
      'matmul: inner dimensions differ: a is [2,3], b is [4,5]',
    );
    expectError(
      () => tg.dot(zeros([3]), zeros([4])),
      ShapeError,
      'matmul: inner dimensions differ: a is [3], b is [4]',
    );
    expectError(
      () => tg.matmul(zeros([2, 2, 3]), zeros([3, 3, 4])),
      ShapeError,
      'matmul: batch dimensions do not broadcast: a is [2,2,3], b is [3,3,4]',
    );
    expectError(
      () => tg.matmul(zeros([]), zeros([3])),
      ShapeError,
      'matmul: operands must have at least one axis: a is [], b is [3]',
    );
  });

  test('broadcasting mismatch in binary ops', () => {
    expectError(
      () => tg.add(zeros([2, 3]), zeros([4])),
      ShapeError,
      'add: shapes [2,3], [4] cannot be broadcast together (axis -1 has 3 vs 4)',
    );
    expectError(
      () => zeros([2, 3]).mul(zeros([3, 2])),
      ShapeError,
      /^mul: shapes \[2,3\], \[3,2\] cannot be broadcast/,
    );
    expectError(() => tg.sub(zeros([2]), zeros([3])), ShapeError, /^sub: shapes \[2\], \[3\]/);
    expectError(() => tg.div(zeros([2]), zeros([3])), ShapeError, /^div: shapes \[2\], \[3\]/);
    expectError(() => tg.pow(zeros([2]), zeros([3])), ShapeError, /^pow: shapes \[2\], \[3\]/);
    expectError(() => tg.where(zeros([4]), zeros([2, 3]), zeros([3])), ShapeError, /^where: shapes \[4\], \[2,3\]/);
    expectError(() => tg.gt(zeros([2]), zeros([3])), ShapeError, /^gt: shapes \[2\], \[3\]/);
  });

  test('reshape to a wrong size', () => {
    expectError(
      () => tg.reshape(zeros([2, 3]), [4, 2]),
      ShapeError,
      'reshape: cannot reshape x of shape [2,3] (6 elements) to [4,2]',
    );
    expectError(() => zeros([2, 3]).reshape(4, -1), ShapeError, 'reshape: cannot reshape x of shape [2,3] to [4,-1]');
    expectError(() => zeros([2, 3]).reshape(-1, -1), ShapeError, 'reshape: cannot reshape x of shape [2,3] to [-1,-1]');
  });

  test('bad axes', () => {
    expectError(() => tg.sum(zeros([2, 3]), 2), ShapeError, 'sum: axis 2 is out of range for a tensor of rank 2');
    expectError(() => tg.mean(zeros([2, 3]), -3), ShapeError, 'mean: axis -3 is out of range for a tensor of rank 2');
    expectError(() => tg.max(zeros([2, 3]), [0, -2]), ShapeError, 'max: repeated axis in [0,-2]');
    expectError(
      () => tg.softmax(zeros([2, 3]), 5),
      ShapeError,
      'softmax: axis 5 is out of range for a tensor of rank 2',
    );
    expectError(() => tg.argmax(zeros([2, 3]), 2), ShapeError, 'argmax: axis 2 is out of range for a tensor of rank 2');
    expectError(() => tg.expandDims(zeros([2, 3]), 4), ShapeError, /^expandDims: axis 4 is out of range/);
    expectError(() => tg.repeat(zeros([2]), 2, 1), ShapeError, /^repeat: axis 1 is out of range/);
    expectError(() => tg.gather(zeros([2]), [0], 1), ShapeError, /^gather: axis 1 is out of range/);
    expectError(() => tg.concat([zeros([2])], 1), ShapeError, /^concat: axis 1 is out of range/);
    expectError(
      () => tg.transpose(zeros([2, 3]), [0, 0]),
      ShapeError,
      'transpose: axes [0,0] are not a permutation of the 2 axes of x [2,3]',
    );
    expectError(
      () => tg.squeeze(zeros([2, 3]), 0),
      ShapeError,
      'squeeze: axis 0 of x with shape [2,3] has extent 2, not 1',
    );
    expectError(
      () => tg.flatten(zeros([2, 3, 4]), 2, 1),
      ShapeError,
      'flatten: endAxis 1 comes before startAxis 2 for shape [2,3,4]',
    );
  });

  test('broadcastTo, sumTo, concat, stack, slice', () => {
    expectError(
      () => tg.broadcastTo(zeros([2, 3]), [3, 3]),
      ShapeError,
      'broadcastTo: cannot broadcast x of shape [2,3] to [3,3]',
    );
    expectError(
      () => tg.broadcastTo(zeros([2, 3]), [3]),
      ShapeError,
      'broadcastTo: cannot broadcast x of shape [2,3] to [3]',
    );
    expectError(() => tg.sumTo(zeros([2, 3]), [4]), ShapeError, 'sumTo: x of shape [2,3] is not a broadcast of [4]');
    expectError(
      () => tg.concat([zeros([2, 3]), zeros([3, 2])], 0),
      ShapeError,
      'concat: tensor 1 has shape [3,2], which does not match [2,3] outside axis 0',
    );
    expectError(
      () => tg.concat([zeros([]), zeros([])]),
      ShapeError,
      'concat: tensor 0 has shape [] and scalars have no axis to join along; use stack',
    );
    expectError(
      () => tg.stack([zeros([2, 3]), zeros([3, 2])]),
      ShapeError,
      'stack: tensor 1 has shape [3,2], expected [2,3]',
    );
    expectError(() => tg.slice(zeros([2, 3]), [0, 0, 0]), ShapeError, 'slice: 3 indices given for x of shape [2,3]');
  });

  test('creation', () => {
    expectError(
      () => tensor([[1, 2], [3]]),
      ShapeError,
      'tensor: values is a ragged nested array: expected length 2 at depth 1, got 1',
    );
    expectError(
      () => tensor([1, 2, 3], { shape: [2, 2] }),
      ShapeError,
      'tensor: cannot view 3 elements as shape [2,2]',
    );
    expectError(() => zeros([-1, 2]), ShapeError, 'zeros: shape [-1,2] must hold non-negative integers');
    expectError(() => tg.ones([2.5]), ShapeError, 'ones: shape [2.5] must hold non-negative integers');
    expectError(() => tg.eye(-1), ShapeError, 'eye: shape [-1,-1] must hold non-negative integers');
  });
});

describe('DTypeError', () => {
  test('gather with float32 indices', () => {
    expectError(
      () => tg.gather(zeros([3]), tensor([0, 1])),
      DTypeError,
      "gather: indices must be int32, got float32 (shape [2]); use .astype('int32')",
    );
  });

  test('float-only ops on int32', () => {
    for (const [name, f] of [
      ['exp', tg.exp],
      ['log', tg.log],
      ['sqrt', tg.sqrt],
      ['sigmoid', tg.sigmoid],
      ['tanh', tg.tanh],
      ['relu', tg.relu],
      ['softmax', (t: tg.Tensor) => tg.softmax(t)],
      ['logSumExp', (t: tg.Tensor) => tg.logSumExp(t)],
    ] as const) {
      expectError(
        () => f(int([2])),
        DTypeError,
        `${name}: x must be float32 or float64, got int32; convert with .astype('float32')`,
      );
    }
    expectError(() => tg.pow(int([2]), 2), DTypeError, /^pow: base must be float32 or float64, got int32/);
    expectError(
      () => tg.matmul(int([2, 2]), zeros([2, 2])),
      DTypeError,
      'matmul: operands must be float, got a int32 [2,2], b float32 [2,2]',
    );
  });

  test('unknown dtypes, non-float random tensors, int32 requiresGrad, bad operands', () => {
    expectError(
      () => tensor([1], { dtype: 'int8' as 'int32' }),
      DTypeError,
      "tensor: unknown dtype 'int8'; valid: float32, float64, int32",
    );
    expectError(() => zeros([2]).astype('bool' as 'int32'), DTypeError, /^astype: unknown dtype 'bool'/);
    expectError(
      () => tg.rand([2], { dtype: 'int32' }),
      DTypeError,
      'rand: dtype must be float32 or float64, got int32',
    );
    expectError(
      () => tg.randn([2], { dtype: 'int32' }),
      DTypeError,
      'randn: dtype must be float32 or float64, got int32',
    );
    expectError(
      () => tensor([1], { dtype: 'int32', requiresGrad: true }),
      DTypeError,
      /^requiresGrad: only float tensors/,
    );
    expectError(
      () => tg.add(zeros([2]), 'a' as unknown as number),
      DTypeError,
      'add: b must be a Tensor or a number, got "a"',
    );
  });
});

describe('IndexError', () => {
  test('gather out of range, negative out of range, non-integer', () => {
    expectError(
      () => tg.gather(zeros([2, 3]), tensor([0, 5], { dtype: 'int32' }), 1),
      IndexError,
      'gather: index 5 is out of range for axis 1 of extent 3 (x is [2,3])',
    );
    expectError(
      () => tg.take(zeros([2, 3]), [-4], 1),
      IndexError,
      'gather: index -4 is out of range for axis 1 of extent 3 (x is [2,3])',
    );
    expectError(
      () => tg.gather(zeros([2, 3]), [0.5], 1),
      IndexError,
      'gather: indices must be integers, got 0.5 in [0.5]',
    );
  });

  test('slice with an integer index out of range (as NumPy)', () => {
    expectError(
      () => tg.slice(zeros([2, 3]), [2]),
      IndexError,
      'slice: index 2 is out of range for axis 0 of extent 2 (x is [2,3])',
    );
    expectError(() => tg.slice(zeros([2, 3]), [null, -4]), IndexError, /^slice: index -4 is out of range for axis 1/);
  });
});

describe('ValueError', () => {
  test('argument values out of their range', () => {
    expectError(() => tg.clip(zeros([2]), 1, 0), ValueError, 'clip: needs min ≤ max, got min=1, max=0');
    expectError(() => tg.leakyRelu(zeros([2]), NaN), ValueError, 'leakyRelu: slope must be finite, got NaN');
    expectError(() => tg.repeat(zeros([2]), -1, 0), ValueError, 'repeat: repeats must be an integer ≥ 0, got -1');
    expectError(
      () => tg.slice(zeros([2, 3]), [[null, null, 0]]),
      ValueError,
      'slice: step must be a non-zero integer, got 0 on axis 0',
    );
    expectError(() => tg.max(zeros([0, 3]), 0), ValueError, 'max: cannot reduce over axis 0 of extent 0 (shape [0,3])');
    expectError(() => tg.argmax(zeros([0])), ValueError, 'argmax: cannot take argmax of an empty tensor (shape [0])');
    expectError(() => tg.concat([]), ValueError, 'concat: needs at least one tensor');
    expectError(() => tg.arange(0, 1, 0), ValueError, 'arange: step must be a non-zero finite number, got 0');
    expectError(() => tg.linspace(0, 1, -1), ValueError, 'linspace: num must be a non-negative integer, got -1');
    expectError(() => tensor(['a' as unknown as number]), ValueError, /^tensor: values must be numbers/);
    expectError(() => new Rng(NaN), ValueError, 'Rng.seed: seed must be an integer, got NaN');
    expectError(() => new Rng(1).randint(3, 3), ValueError, 'Rng.randint: high (3) must exceed low (3)');
    expectError(() => zeros([2]).item(), ValueError, 'item: needs a tensor with one element, got shape [2]');
  });
});

describe('GraphError', () => {
  test('misuse of the graph', () => {
    const y = tensor([1, 2], { requiresGrad: true }).mul(2);
    expectError(() => y.backward(), GraphError, /non-scalar output of shape \[2\]/);
    const s = y.sum();
    s.backward();
    expectError(() => s.backward(), GraphError, /^backward: trying to backward through 'sum' a second time/);
    expectError(() => zeros([2]).retainGrad(), GraphError, 'retainGrad: tensor of shape [2] does not require grad');
    expectError(
      () => zeros([2]).sum().backward(),
      GraphError,
      /^backward: the tensor of shape \[\] does not require grad/,
    );
  });
});
