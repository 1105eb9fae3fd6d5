import { isGradEnabled, noGrad } from '../autograd/grad-mode';
import { incrementVersion } from '../autograd/version';
import { checkTensor, describe } from '../check';
import { GraphError, ShapeError, ValueError, fmtShape } from '../errors';
import { toInt32 } from '../int32';
import { Tensor } from '../tensor';
import { broadcastTo, broadcastsTo } from './broadcast';
import { astype } from './cast';

/**
 * The tape records no in-place write, so one to a tensor that requires grad is allowed only
 * with recording off (PyTorch's rule for leaves); every one counts as a new version.
 */
function beginWrite(fn: string, t: Tensor): void {
  if (t.requiresGrad && isGradEnabled()) {
    throw new GraphError(
      `${fn}: an in-place write to a tensor that requires grad (${t.dtype} ${fmtShape(t.shape)}) must run ` +
        `under noGrad(() => …); the tape does not record in-place writes`,
    );
  }
}

/**
 * Copies `src` (a tensor broadcast to `dst`'s shape and converted to its dtype, or a number)
 * into `dst` in place and returns `dst`, PyTorch's `copy_`. Counts as an in-place write: a
 * backward that needs `dst`'s old values fails rather than use the new ones.
 *
 * @example
 * noGrad(() => w.copy_(tensor([1, 2, 3])));
 */
export function copy_(dst: Tensor, src: Tensor | number): Tensor {
  checkTensor('copy_', 'dst', dst);
  if (typeof src === 'number') return fill_(dst, src);
  checkTensor('copy_', 'src', src);
  if (!broadcastsTo(src.shape, dst.shape)) {
    throw new ShapeError(
      `copy_: src of shape ${fmtShape(src.shape)} does not broadcast to dst's ${fmtShape(dst.shape)}`,
    );
  }
  beginWrite('copy_', dst);
  const values = noGrad(() => broadcastTo(astype(src, dst.dtype), dst.shape));
  dst.data.set(values.data);
  incrementVersion(dst);
  return dst;
}

/**
 * Sets every element of `dst` to `value` in place and returns `dst`, PyTorch's `fill_`
 * (int32 truncates `value` and refuses what it cannot hold).
 *
 * @example
 * noGrad(() => bias.fill_(0.1));
 */
export function fill_(dst: Tensor, value: number): Tensor {
  checkTensor('fill_', 'dst', dst);
  if (typeof value !== 'number') throw new ValueError(`fill_: value must be a number, got ${describe(value)}`);
  beginWrite('fill_', dst);
  dst.data.fill(dst.dtype === 'int32' ? toInt32('fill_', 'value', value) : value);
  incrementVersion(dst);
  return dst;
}

/**
 * Sets every element of `dst` to 0 in place and returns `dst`, PyTorch's `zero_`.
 *
 * @example
 * noGrad(() => w.zero_());
 */
export function zero_(dst: Tensor): Tensor {
  return fill_(dst, 0);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * Copies `src` into this tensor in place (broadcast, converted), counting a new version:
     * {@link copy_}. Under noGrad when this tensor requires grad.
     *
     * @example
     * noGrad(() => w.copy_(w0));
     */
    copy_(src: Tensor | number): this;
    /**
     * Sets every element to `value` in place, counting a new version: {@link fill_}.
     *
     * @example
     * noGrad(() => b.fill_(0));
     */
    fill_(value: number): this;
    /**
     * Sets every element to 0 in place, counting a new version: {@link zero_}.
     *
     * @example
     * noGrad(() => b.zero_());
     */
    zero_(): this;
  }
}

Tensor.prototype.copy_ = function (src) {
  copy_(this, src);
  return this;
};
Tensor.prototype.fill_ = function (value) {
  fill_(this, value);
  return this;
};
Tensor.prototype.zero_ = function () {
  fill_(this, 0);
  return this;
};
