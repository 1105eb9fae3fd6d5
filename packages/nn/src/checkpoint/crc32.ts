const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * CRC-32 (IEEE 802.3, as zlib and PNG), continuing from `prev` so that data can be fed in parts.
 * Detects every single-bit error and every burst of up to 32 bits.
 *
 * @example
 * crc32(Buffer.from('123456789')); // 0xcbf43926
 * crc32(b, crc32(a)); // same as crc32 of a then b
 */
export function crc32(bytes: Uint8Array, prev = 0): number {
  let c = ~prev >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
