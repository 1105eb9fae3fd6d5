import { checkString, describe, IndexError, Tensor, ValueError } from '@tapegrad/core';

/**
 * A character vocabulary: character ↔ id, as the book's `char_to_id` / `id_to_char`, with
 * encode and decode between strings and int32 id tensors.
 *
 * @example
 * const vocab = new CharVocab(' +0123456789_');
 * vocab.decode(vocab.encode(['1+2  ', '34+5 '])); // ['1+2  ', '34+5 ']
 */
export class CharVocab {
  /** The characters, by id. */
  readonly chars: readonly string[];
  /** Character → id (the book's `char_to_id`). */
  readonly charToId: ReadonlyMap<string, number>;

  /** `chars` lists each character once; its position is its id. */
  constructor(chars: string) {
    checkString('CharVocab', 'chars', chars);
    const list = [...chars];
    const ids = new Map<string, number>();
    list.forEach((c, i) => {
      if (ids.has(c)) throw new ValueError(`CharVocab: chars must list each character once; ${describe(c)} repeats`);
      ids.set(c, i);
    });
    this.chars = Object.freeze(list);
    this.charToId = ids;
  }

  /** The number of characters (the embedding's `numEmbeddings`). */
  get size(): number {
    return this.chars.length;
  }

  /** The id of one character. */
  id(char: string): number {
    const id = this.charToId.get(char);
    if (id === undefined) {
      throw new ValueError(
        `CharVocab.encode: ${describe(char)} is not in the vocabulary ${describe(this.chars.join(''))}`,
      );
    }
    return id;
  }

  /**
   * Encodes strings of one length as an int32 tensor `[N, L]` of ids (one string gives `[L]`).
   *
   * @example
   * vocab.encode('12+3 ').shape; // [5]
   * vocab.encode(['1+1', '2+2']).shape; // [2, 3]
   */
  encode(texts: string | readonly string[]): Tensor {
    const single = typeof texts === 'string';
    const list = single ? [texts] : texts;
    if (!Array.isArray(list) || list.length === 0 || !list.every((s) => typeof s === 'string')) {
      throw new ValueError(
        `CharVocab.encode: texts must be a string or a non-empty array of strings, got ${describe(texts)}`,
      );
    }
    const rows = list.map((s) => [...s]);
    const length = rows[0].length;
    const bad = rows.findIndex((r) => r.length !== length);
    if (bad >= 0) {
      throw new ValueError(
        `CharVocab.encode: every text must have the same length (pad them); texts[0] has ${length} characters, texts[${bad}] ${rows[bad].length}`,
      );
    }
    const ids = new Int32Array(rows.length * length);
    rows.forEach((r, i) => r.forEach((c, j) => (ids[i * length + j] = this.id(c))));
    return new Tensor(ids, single ? [length] : [rows.length, length]);
  }

  /**
   * Decodes ids back to text: a `[L]` tensor or array gives one string, `[N, L]` one per row.
   *
   * @example
   * vocab.decode([1, 2]); // '+0'
   * vocab.decode(vocab.encode(['1+1', '2+2'])); // ['1+1', '2+2']
   */
  decode(ids: Tensor): string | string[];
  decode(ids: ArrayLike<number>): string;
  decode(ids: Tensor | ArrayLike<number>): string | string[] {
    if (ids instanceof Tensor) {
      if (ids.ndim === 1) return this.decodeRow(ids.data, 0, ids.size);
      if (ids.ndim !== 2) {
        throw new ValueError(
          `CharVocab.decode: ids must be [L] or [N, L], got a tensor of shape [${ids.shape.join(',')}]`,
        );
      }
      const [n, length] = ids.shape;
      return Array.from({ length: n }, (_, i) => this.decodeRow(ids.data, i * length, length));
    }
    if (ids === null || typeof ids !== 'object' || typeof (ids as ArrayLike<number>).length !== 'number') {
      throw new ValueError(`CharVocab.decode: ids must be a Tensor or an array of ids, got ${describe(ids)}`);
    }
    return this.decodeRow(ids, 0, ids.length);
  }

  private decodeRow(data: ArrayLike<number>, start: number, length: number): string {
    let out = '';
    for (let j = 0; j < length; j++) {
      const id = data[start + j];
      const c = Number.isInteger(id) ? this.chars[id] : undefined;
      if (c === undefined) {
        throw new IndexError(
          `CharVocab.decode: id ${describe(id)} is not in [0, ${this.size}) (the vocabulary's size)`,
        );
      }
      out += c;
    }
    return out;
  }
}
