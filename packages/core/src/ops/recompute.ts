import { runBackward } from '../autograd/backward';
import { type Grads, type Node, defineOp, runOp } from '../autograd/op';
import { Tensor } from '../tensor';

/** x itself under another name (sharing its data): a recorded stand-in for an input. */
const aliasOp = defineOp<void>({
  name: 'alias',
  forward: ([x]) => new Tensor(x.data, x.shape),
  backward: (gy) => [gy],
});

/**
 * The gradients of a fused node's inputs taken through `composite` — the same function written
 * in tensor ops — recomputed on the node's inputs and differentiated with the graph recorded:
 * how a fused op whose fast backward is a kernel stays differentiable under `createGraph`
 * (higher derivatives), with a rule that is the composite's own by construction.
 *
 * The composite runs on recorded aliases of the inputs, and the inner backward stops at them:
 * these are partial derivatives w.r.t. each input, as a rule must give, even where one input
 * depends on another (a recurrent state made from the same weights), whose total derivative
 * the outer backward assembles itself.
 *
 * @example
 * backward: (gy, node) => (isGradEnabled() ? gradsByRecomputing(node, gy, lstmCellComposite) : fastRule(gy, node)),
 */
export function gradsByRecomputing(node: Node<unknown>, gy: Tensor, composite: (...xs: Tensor[]) => Tensor): Grads {
  const aliases = node.inputs.map((x) => (x.requiresGrad ? runOp(aliasOp, [x], undefined) : x));
  const wanted = aliases.filter((x) => x.requiresGrad);
  const gs = runBackward([composite(...aliases)], [gy], { createGraph: true, targets: wanted });
  let k = 0;
  return aliases.map((x) => (x.requiresGrad ? gs[k++] : null));
}
