import * as fs from 'fs';
import * as path from 'path';
import * as protobuf from 'protobufjs';
import type { ModelProto } from './onnx-types';

/** The official `onnx.proto` (ONNX v1.22.0, Apache-2.0), shipped in the package's `proto/` folder. */
export const ONNX_PROTO_PATH = path.join(__dirname, '..', 'proto', 'onnx.proto');

let modelType: protobuf.Type | null = null;

/** `onnx.ModelProto`, parsed from the official schema on first use (field names as in the .proto). */
function modelProto(): protobuf.Type {
  if (modelType === null) {
    const { root } = protobuf.parse(fs.readFileSync(ONNX_PROTO_PATH, 'utf8'), { keepCase: true });
    modelType = root.lookupType('onnx.ModelProto');
  }
  return modelType;
}

/**
 * Serialises a model with protobufjs against the official schema, after protobufjs has verified
 * every field against it.
 *
 * @example
 * const bytes = encodeModel({ ir_version: 8, opset_import: [{ domain: '', version: 17 }], graph });
 * fs.writeFileSync('model.onnx', bytes);
 */
export function encodeModel(model: ModelProto): Uint8Array {
  const type = modelProto();
  const problem = type.verify(model);
  if (problem !== null) throw new Error(`encodeModel: invalid ModelProto: ${problem}`);
  return type.encode(type.fromObject(model)).finish();
}

/**
 * Parses ONNX bytes into plain objects (int64 as numbers, bytes as Uint8Array), for inspection.
 *
 * @example
 * const model = decodeModel(fs.readFileSync('model.onnx'));
 * model.graph.node.map((n) => n.op_type); // ['Gemm', 'Relu', 'Gemm']
 */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const type = modelProto();
  return type.toObject(type.decode(bytes), { longs: Number, arrays: true, defaults: false }) as ModelProto;
}
