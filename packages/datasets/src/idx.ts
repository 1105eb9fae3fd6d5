import { checkOneOf, checkShapeArg, checkString, ShapeError, ValueError } from '@tapegrad/core';
import { checkBytes, checkNumbers } from './checks';
import { DatasetError } from './errors';

/**
 * Element types of the IDX format (LeCun's MNIST file format): type codes 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E.
 *
 * @example
 * const type: IdxType = parseIdx(bytes).type; // 'uint8' for MNIST
 * encodeIdx([1.5], [1], 'float32');
 */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/**
 * A typed array of one of the IDX element types.
 *
 * @example
 * const data: IdxArray = parseIdx(bytes).data;
 * data.length; // product of the dimensions
 */
export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/**
 * A parsed IDX file: its element type, its dimensions and its elements in row-major order.
 *
 * @example
 * const { type, shape, data }: IdxData = parseIdx(bytes, file);
 * shape; // [60000, 28, 28]
 */
export interface IdxData {
  type: IdxType;
  shape: number[];
  data: IdxArray;
}

const TYPES: ReadonlyArray<[number, IdxType, number]> = [
  [0x08, 'uint8', 1],
  [0x09, 'int8', 1],
  [0x0b, 'int16', 2],
  [0x0c, 'int32', 4],
  [0x0d, 'float32', 4],
  [0x0e, 'float64', 8],
];

/** Largest element count accepted: beyond this, no JS typed array could hold the data anyway. */
const MAX_ELEMENTS = 2 ** 31 - 1;

/**
 * Parses an IDX file held in memory: two zero bytes, a type code, the number of dimensions,
 * each dimension as a big-endian uint32, then the elements (big-endian for multi-byte types).
 * The body must be exactly as long as the dimensions say. A uint8 file's data is a view of
 * `bytes` (no copy). Every malformation throws a {@link DatasetError} naming `file`.
 *
 * @example
 * const { shape, data } = parseIdx(fs.readFileSync('train-labels-idx1-ubyte'), 'train-labels-idx1-ubyte');
 * shape; // [60000]
 */
export function parseIdx(bytes: Uint8Array, file = '<memory>'): IdxData {
  checkBytes('parseIdx', 'bytes', bytes);
  checkString('parseIdx', 'file', file);
  const fail = (what: string): never => {
    throw new DatasetError(`IDX file ${file}: ${what}`, file);
  };
  if (bytes.length < 4) fail(`only ${bytes.length} bytes, shorter than the 4-byte magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(
      `bad magic number: the first two bytes must be 0, got 0x${hex(bytes[0])} 0x${hex(bytes[1])} (not an IDX file?)`,
    );
  }
  const spec = TYPES.find(([code]) => code === bytes[2]);
  if (!spec) {
    fail(`unknown type code 0x${hex(bytes[2])}; valid: ${TYPES.map(([c, n]) => `0x${hex(c)} (${n})`).join(', ')}`);
  }
  const [, type, width] = spec!;
  const ndim = bytes[3];
  if (ndim === 0) fail('the magic number declares 0 dimensions');
  const header = 4 + 4 * ndim;
  if (bytes.length < header)
    fail(`truncated header: ${ndim} dimensions need ${header} bytes, the file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let k = 0; k < ndim; k++) {
    const d = view.getUint32(4 + 4 * k, false);
    shape.push(d);
    count *= d;
  }
  if (count > MAX_ELEMENTS)
    fail(`dimensions [${shape.join(',')}] declare ${count} elements, more than ${MAX_ELEMENTS}`);
  const expected = header + count * width;
  if (bytes.length !== expected) {
    const how = bytes.length < expected ? 'truncated' : 'trailing bytes';
    fail(`${how}: dimensions [${shape.join(',')}] of ${type} need ${expected} bytes, the file has ${bytes.length}`);
  }
  return { type, shape, data: readBody(view, type, header, count) };
}

function readBody(view: DataView, type: IdxType, offset: number, count: number): IdxArray {
  const bytes = new Uint8Array(view.buffer, view.byteOffset + offset, count * widthOf(type));
  switch (type) {
    case 'uint8':
      return bytes;
    case 'int8':
      return new Int8Array(bytes.buffer, bytes.byteOffset, count);
    case 'int16':
      return Int16Array.from({ length: count }, (_, i) => view.getInt16(offset + 2 * i, false));
    case 'int32':
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(offset + 4 * i, false));
    case 'float32':
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(offset + 4 * i, false));
    case 'float64':
      return Float64Array.from({ length: count }, (_, i) => view.getFloat64(offset + 8 * i, false));
  }
}

function widthOf(type: IdxType): number {
  return TYPES.find(([, n]) => n === type)![2];
}

/** The values each element type holds: integers in a range, or any float32 / float64. */
const RANGES: Readonly<Record<IdxType, { min: number; max: number; integer: boolean }>> = {
  uint8: { min: 0, max: 255, integer: true },
  int8: { min: -128, max: 127, integer: true },
  int16: { min: -32768, max: 32767, integer: true },
  int32: { min: -(2 ** 31), max: 2 ** 31 - 1, integer: true },
  float32: { min: -3.4028234663852886e38, max: 3.4028234663852886e38, integer: false },
  float64: { min: -Infinity, max: Infinity, integer: false },
};

/**
 * Encodes elements as an IDX file (the inverse of {@link parseIdx}), e.g. to write test fixtures
 * or to export a data set in MNIST's format. Every element must fit `type`: an integer in its
 * range for the integer types (300 is not a uint8, 0.5 not an int32), a finite value within
 * float32's range for float32 (NaN and ±Infinity are stored as they are); anything else is a
 * ValueError naming the element, instead of a wrapped or rounded value in the file.
 *
 * @example
 * const bytes = encodeIdx(new Uint8Array([5, 0, 4]), [3]); // a tiny labels file
 * parseIdx(bytes).shape; // [3]
 */
export function encodeIdx(data: ArrayLike<number>, shape: readonly number[], type: IdxType = 'uint8'): Uint8Array {
  checkNumbers('encodeIdx', 'data', data);
  const dims = checkShapeArg('encodeIdx', 'shape', shape);
  checkOneOf(
    'encodeIdx',
    'type',
    type,
    TYPES.map(([, n]) => n),
  );
  if (dims.length < 1 || dims.length > 255)
    throw new ShapeError(`encodeIdx: needs 1..255 dimensions, got ${dims.length}`);
  const big = dims.find((d) => d > 0xffffffff);
  if (big !== undefined) throw new ShapeError(`encodeIdx: dimension ${big} does not fit the header's 32 bits`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new ShapeError(`encodeIdx: shape [${dims.join(',')}] holds ${count} elements but ${data.length} were given`);
  }
  const range = RANGES[type];
  for (let i = 0; i < count; i++) {
    const v = data[i];
    const fits = range.integer
      ? Number.isInteger(v) && v >= range.min && v <= range.max
      : !Number.isFinite(v) || (v >= range.min && v <= range.max);
    if (!fits) {
      const valid = range.integer ? `integers ${range.min}..${range.max}` : `values within ±${range.max}`;
      throw new ValueError(`encodeIdx: data[${i}] = ${v} does not fit ${type} (${valid})`);
    }
  }
  const width = widthOf(type);
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + count * width);
  const view = new DataView(out.buffer);
  out[2] = TYPES.find(([, n]) => n === type)![0];
  out[3] = dims.length;
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  for (let i = 0; i < count; i++) {
    const o = header + i * width;
    const v = data[i];
    if (type === 'uint8') view.setUint8(o, v);
    else if (type === 'int8') view.setInt8(o, v);
    else if (type === 'int16') view.setInt16(o, v, false);
    else if (type === 'int32') view.setInt32(o, v, false);
    else if (type === 'float32') view.setFloat32(o, v, false);
    else view.setFloat64(o, v, false);
  }
  return out;
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
