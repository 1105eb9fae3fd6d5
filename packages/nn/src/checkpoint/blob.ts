import { ValueError, describe } from '@tapegrad/core';
import type { Module } from '../module';
import { type LoadOptions, type SaveOptions, loadBytes, saveBytes } from './checkpoint';

/** The MIME type of a safetensors download. */
const MIME = 'application/octet-stream';

/**
 * The checkpoint as a `Blob`, ready for a download link (`URL.createObjectURL`) in a page; the
 * bytes of {@link saveBytes}.
 *
 * @example
 * const a = Object.assign(document.createElement('a'), { download: 'model.safetensors' });
 * a.href = URL.createObjectURL(saveBlob(model)); a.click();
 */
export function saveBlob(model: Module, options: SaveOptions = {}): Blob {
  return new Blob([saveBytes(model, options) as Uint8Array<ArrayBuffer>], { type: MIME });
}

/**
 * Reads a checkpoint `Blob` (or `File`, from an `<input type="file">`) into the model (and
 * optimiser) in place, as {@link loadBytes}; resolves to your metadata.
 *
 * @example
 * input.onchange = async () => { await loadBlob(model, input.files![0]); };
 * (await loadBlob(model, saveBlob(model, { metadata: { epoch: '3' } }))).epoch; // '3'
 */
export async function loadBlob(
  model: Module,
  blob: Blob,
  options: LoadOptions = {},
): Promise<{ [key: string]: string }> {
  if (typeof Blob === 'undefined' || !(blob instanceof Blob)) {
    throw new ValueError(`loadBlob: blob must be a Blob or File, got ${describe(blob)}`);
  }
  return loadBytes(model, new Uint8Array(await blob.arrayBuffer()), options);
}
