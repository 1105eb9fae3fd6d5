/**
 * The gradient-testing API: numerical gradients, `gradcheck`, and fast-check arbitraries for
 * property-based tests of your own functions.
 *
 * @example
 * import { gradcheck, arbTensor } from '@tapegrad/core/testing';
 * fc.assert(fc.property(arbTensor(), (x) => gradcheck((t) => t.tanh(), [x]).ok));
 *
 * @packageDocumentation
 */
import './require-fast-check'; // first: a clear error when the optional peer fast-check is missing
// Every op attaches its Tensor method when it loads: this entry point can be used alone.
import '../ops';
export { numericalGradient, type NumericalGradientOptions, type ScalarFn } from './numerical-gradient';
export { gradcheck, GradcheckError, compareGrads, type GradcheckOptions, type GradcheckReport } from './gradcheck';
export {
  arbShape,
  arbTensor,
  arbBroadcastableShapes,
  arbMatmulShapes,
  type ArbTensorOptions,
  type ShapeConstraints,
} from './arbitraries';
export { gradgradcheck } from './gradgradcheck';
