import { OrderedMap } from 'immutable';
import { type DType, Tensor, type TypedArray } from '@tapegrad/core';
import { CheckpointError } from '../errors';
import { crc32 } from './crc32';

/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length N, N bytes of JSON `{ name: { dtype, shape, data_offsets: [begin, end] },
 * "__metadata__": { string: string } }` (space-padded so the data starts 8-byte aligned), then
 * the raw little-endian tensor bytes, which the offsets (relative to the data start) must cover
 * exactly, without gaps or overlaps.
 */

const DTYPE_CODES: Readonly<Record<DType, string>> = { float32: 'F32', float64: 'F64', int32: 'I32' };
/** I64 (PyTorch's counters, such as BatchNorm's num_batches_tracked) is read into int32 when it fits. */
const CODE_DTYPES: Readonly<Record<string, DType>> = { F32: 'float32', F64: 'float64', I32: 'int32', I64: 'int32' };
const CODE_BYTES: Readonly<Record<string, number>> = { F32: 4, F64: 8, I32: 4, I64: 8 };
const ITEM_BYTES: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4 };
/** The reference implementation refuses larger headers. */
const MAX_HEADER = 100_000_000;
/** Metadata key of the CRC-32 that tapegrad writes over the header (minus this key) and the data. */
export const CHECKSUM_KEY = 'tapegrad.crc32';
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A decoded safetensors file. */
export interface Safetensors {
  tensors: OrderedMap<string, Tensor>;
  metadata: { [key: string]: string };
}

interface Entry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** An int32 tensor as little-endian I64 bytes (sign-extended). */
function int64BytesOf(t: Tensor): Uint8Array {
  const out = Buffer.alloc(8 * t.size);
  for (let i = 0; i < t.size; i++) out.writeBigInt64LE(BigInt(t.data[i]), 8 * i);
  return out;
}

function bytesOf(t: Tensor): Uint8Array {
  const view = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  if (LITTLE_ENDIAN) return view;
  return swapped(view, ITEM_BYTES[t.dtype]);
}

function swapped(src: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += width) for (let k = 0; k < width; k++) out[i + k] = src[i + width - 1 - k];
  return out;
}

/** The header JSON the checksum covers: the parsed header re-serialised, without the checksum key. */
function canonicalHeader(header: { [key: string]: unknown }): string {
  const meta = header.__metadata__ as { [key: string]: string } | undefined;
  if (meta === undefined || !(CHECKSUM_KEY in meta)) return JSON.stringify(header);
  const rest = { ...meta };
  delete rest[CHECKSUM_KEY];
  return JSON.stringify({ ...header, __metadata__: rest });
}

function checksum(header: { [key: string]: unknown }, data: Uint8Array): string {
  const h = crc32(Buffer.from(canonicalHeader(header), 'utf8'));
  return crc32(data, h).toString(16).padStart(8, '0');
}

/** Options of {@link encodeSafetensors}. */
export interface EncodeOptions {
  /** Names of int32 tensors to store as I64 (what PyTorch keeps as int64, e.g. `num_batches_tracked`). */
  int64?: ReadonlySet<string>;
}

/**
 * Serialises tensors and string metadata into safetensors bytes, in the given order, adding
 * `format: 'tapegrad'` (unless given) and a CRC-32 under `tapegrad.crc32` in the metadata
 * (other readers ignore both; tapegrad verifies the checksum). The int32 tensors named in
 * `options.int64` are written as I64.
 *
 * @example
 * const bytes = encodeSafetensors(model.stateDict(), { epoch: '3' });
 * encodeSafetensors(bn.stateDict(), {}, { int64: bn.int64BufferNames() }); // num_batches_tracked as I64
 */
export function encodeSafetensors(
  tensors: Iterable<readonly [string, Tensor]>,
  metadata: { readonly [key: string]: string } = {},
  options: EncodeOptions = {},
): Buffer {
  const header: { [key: string]: unknown } = {};
  const meta: { [key: string]: string } = { format: 'tapegrad', ...metadata };
  delete meta[CHECKSUM_KEY];
  header.__metadata__ = meta;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === '__metadata__')
      throw new CheckpointError(`encodeSafetensors: '__metadata__' cannot name a tensor`, 'header');
    if (name in header) throw new CheckpointError(`encodeSafetensors: duplicate tensor name '${name}'`, 'header');
    const wide = options.int64?.has(name) ?? false;
    if (wide && t.dtype !== 'int32') {
      throw new CheckpointError(
        `encodeSafetensors: '${name}' is ${t.dtype}; only int32 tensors can be stored as I64`,
        'dtype',
      );
    }
    const bytes = wide ? int64BytesOf(t) : bytesOf(t);
    const code = wide ? 'I64' : DTYPE_CODES[t.dtype];
    header[name] = { dtype: code, shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  const data = Buffer.concat(chunks, offset);
  // Re-parse so the checksum covers exactly what a reader will see (integer-like keys reorder).
  const parsed = JSON.parse(JSON.stringify(header)) as { [key: string]: unknown };
  (header.__metadata__ as { [key: string]: string })[CHECKSUM_KEY] = checksum(parsed, data);
  let json = JSON.stringify(header);
  const jsonBytes = Buffer.byteLength(json, 'utf8');
  json += ' '.repeat((8 - ((8 + jsonBytes) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(headerBytes.length));
  return Buffer.concat([prefix, headerBytes, data]);
}

const fail = (source: string, problem: CheckpointError['problem'], msg: string): never => {
  throw new CheckpointError(`${source}: ${msg}`, problem);
};

function parseEntry(source: string, name: string, v: unknown): Entry {
  const e = v as Partial<Entry> | null;
  if (typeof e !== 'object' || e === null || Array.isArray(e)) {
    fail(source, 'header', `entry '${name}' is not an object`);
  }
  const { dtype, shape, data_offsets: off } = e as Partial<Entry>;
  if (typeof dtype !== 'string') fail(source, 'header', `entry '${name}' has no dtype`);
  if (!(dtype! in CODE_DTYPES)) {
    fail(source, 'dtype', `tensor '${name}' has dtype ${JSON.stringify(dtype)}; tapegrad reads F32, F64, I32 and I64`);
  }
  const okInt = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) >= 0;
  if (!Array.isArray(shape) || !shape.every(okInt)) {
    fail(source, 'header', `tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(off) || off.length !== 2 || !off.every(okInt) || off[0] > off[1]) {
    fail(source, 'offsets', `tensor '${name}' has invalid data_offsets ${JSON.stringify(off)}`);
  }
  return e as Entry;
}

/**
 * Parses and validates safetensors bytes: the header length against the size, the JSON, every
 * dtype/shape/offset, that the offsets tile the data exactly, and the tapegrad checksum when
 * present (required when `format` is `tapegrad`). Throws {@link CheckpointError} otherwise.
 *
 * @example
 * const { tensors, metadata } = decodeSafetensors(fs.readFileSync('model.safetensors'));
 * tensors.keySeq().toArray();
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors'): Safetensors {
  if (bytes.length < 8) fail(source, 'truncated', `file has ${bytes.length} bytes, less than the 8-byte header length`);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = buf.readBigUInt64LE(0);
  if (n > BigInt(MAX_HEADER)) fail(source, 'header', `header length ${n} exceeds the ${MAX_HEADER}-byte limit`);
  const headerLen = Number(n);
  if (8 + headerLen > buf.length) {
    fail(source, 'truncated', `header length ${headerLen} exceeds the ${buf.length - 8} bytes after the length field`);
  }
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, 8 + headerLen));
    header = JSON.parse(text);
  } catch (e) {
    fail(source, 'header', `header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail(source, 'header', 'header is not a JSON object');
  }
  const h = header as { [key: string]: unknown };
  const rawMeta = h.__metadata__ ?? {};
  if (typeof rawMeta !== 'object' || rawMeta === null || Array.isArray(rawMeta)) {
    fail(source, 'metadata', '__metadata__ is not an object');
  }
  const metadata = rawMeta as { [key: string]: string };
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') fail(source, 'metadata', `__metadata__['${k}'] is not a string`);
  }
  const data = buf.subarray(8 + headerLen);
  const entries: [string, Entry][] = Object.keys(h)
    .filter((k) => k !== '__metadata__')
    .map((k) => [k, parseEntry(source, k, h[k])]);
  const sorted = [...entries].sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
  let expected = 0;
  for (const [name, e] of sorted) {
    const [begin, end] = e.data_offsets;
    const numel = e.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== numel * CODE_BYTES[e.dtype]) {
      fail(
        source,
        'offsets',
        `tensor '${name}' (${e.dtype} [${e.shape.join(',')}]) spans ${end - begin} bytes, expected ${numel * CODE_BYTES[e.dtype]}`,
      );
    }
    if (begin !== expected) {
      fail(
        source,
        'offsets',
        `tensor '${name}' starts at ${begin}, expected ${expected} (offsets must tile the data without gaps or overlaps)`,
      );
    }
    expected = end;
  }
  if (expected > data.length) {
    fail(source, 'truncated', `tensor data needs ${expected} bytes but the file has ${data.length} after the header`);
  }
  if (expected < data.length) fail(source, 'offsets', `${data.length - expected} trailing bytes after the last tensor`);
  const stored = metadata[CHECKSUM_KEY];
  if (stored !== undefined) {
    const actual = checksum(h, data);
    if (stored !== actual)
      fail(source, 'checksum', `checksum mismatch (stored ${stored}, computed ${actual}): the file is corrupt`);
  } else if (metadata.format === 'tapegrad') {
    fail(source, 'checksum', `the '${CHECKSUM_KEY}' checksum written by tapegrad is missing: the header is corrupt`);
  }
  const tensors = OrderedMap<string, Tensor>().withMutations((m) => {
    for (const [name, e] of entries) {
      const dtype = CODE_DTYPES[e.dtype];
      const [begin, end] = e.data_offsets;
      if (e.dtype === 'I64') {
        m.set(name, new Tensor(int32FromInt64(source, name, data.subarray(begin, end)), e.shape));
        continue;
      }
      let raw: Uint8Array = data.subarray(begin, end);
      if (!LITTLE_ENDIAN) raw = swapped(raw, ITEM_BYTES[dtype]);
      const arr = allocateLike(dtype, (end - begin) / ITEM_BYTES[dtype]);
      new Uint8Array(arr.buffer).set(raw);
      m.set(name, new Tensor(arr, e.shape));
    }
  });
  const userMeta = { ...metadata };
  delete userMeta[CHECKSUM_KEY];
  return { tensors, metadata: userMeta };
}

/** Little-endian I64 values as int32; a value outside int32's range is a CheckpointError. */
function int32FromInt64(source: string, name: string, raw: Buffer): Int32Array {
  const out = new Int32Array(raw.length / 8);
  for (let i = 0; i < out.length; i++) {
    const v = raw.readBigInt64LE(8 * i);
    if (v < -2147483648n || v > 2147483647n) {
      fail(source, 'dtype', `tensor '${name}' (I64) holds ${v}, outside the int32 range tapegrad reads I64 into`);
    }
    out[i] = Number(v);
  }
  return out;
}

function allocateLike(dtype: DType, n: number): TypedArray {
  return dtype === 'float32' ? new Float32Array(n) : dtype === 'float64' ? new Float64Array(n) : new Int32Array(n);
}
