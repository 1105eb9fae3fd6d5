import { TestEnvironment } from 'jest-environment-node';

/**
 * Jest's node environment with Node's own typed-array classes. onnxruntime-node's native code
 * returns typed arrays of Node's realm, which its JavaScript checks with `instanceof` against the
 * test realm's classes and rejects; sharing the classes makes both agree. Test files that run
 * ONNX Runtime start with `@jest-environment ./packages/onnx/test/helpers/ort-environment.ts`.
 */
export default class OrtEnvironment extends TestEnvironment {
  override async setup(): Promise<void> {
    await super.setup();
    const g = this.global as unknown as Record<string, unknown>;
    for (const name of [
      'ArrayBuffer',
      'Uint8Array',
      'Int8Array',
      'Uint16Array',
      'Int16Array',
      'Uint32Array',
      'Int32Array',
      'Float32Array',
      'Float64Array',
      'BigInt64Array',
      'BigUint64Array',
    ]) {
      g[name] = (globalThis as unknown as Record<string, unknown>)[name];
    }
  }
}
