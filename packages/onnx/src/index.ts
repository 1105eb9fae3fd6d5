/**
 * tapegrad ONNX export: the tape is the graph. `exportOnnx` traces a model's forward pass and
 * writes the recorded ops as an ONNX model (opset 17+), checked against ONNX Runtime in the tests.
 *
 * @example
 * import { exportOnnx } from '@tapegrad/onnx';
 * exportOnnx(model.eval(), randn([1, 784]), { path: 'model.onnx', dynamicAxes: { input: { 0: 'batch' } } });
 *
 * @packageDocumentation
 */
export { exportOnnx } from './export';
export { type ExportOptions, IR_VERSION_OF_OPSET, VERSION } from './options';
export { type ExportableModel, type Trace, traceForward } from './trace';
export { DynamicAxisError, OnnxExportError, UnsupportedOpError } from './errors';
export {
  CONVERTERS,
  attrsOf,
  type ConvertContext,
  type OpMapping,
  type ConstantOptions,
  type ShapeOptions,
} from './convert';
export { type Dim, fmtDims } from './dims';
export { type Attr } from './graph-builder';
export { decodeModel, encodeModel, ONNX_PROTO_PATH } from './proto';
export type * from './onnx-types';
export { DataType, AttributeType } from './onnx-types';
