/** The native gemm backend (packages/core/native): the addon, and the backend layered on it. */
export { loadNative, type NativeAddon } from './addon';
export { withNativeKernels } from './backend';
