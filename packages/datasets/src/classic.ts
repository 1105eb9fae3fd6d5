import {
  allocateChecked,
  checkBoolean,
  checkInteger,
  checkOptions,
  checkString,
  describe,
  Tensor,
  ValueError,
} from '@tapegrad/core';
import { DatasetError } from './errors';
import { breastCancerCsv, digitsCsv, irisCsv, wineCsv } from '#datasets-platform';
import { labelTensor, oneHot } from './one-hot';
import type { LabeledData } from './types';

/**
 * Options of the small classic loaders.
 *
 * @example
 * const options: ClassicOptions = { oneHot: true };
 * iris(options).t.shape; // [150, 3]
 */
export interface ClassicOptions {
  /** `t` one-hot float32 `[N, C]` (true) or the int32 labels (default false). */
  oneHot?: boolean;
}

/**
 * A classic data set: tensors plus the class names, by label.
 *
 * @example
 * const { x, labels, classNames }: ClassicData = breastCancer();
 * classNames[labels.data[0]]; // 'malignant'
 */
export interface ClassicData extends LabeledData {
  classNames: string[];
}

/**
 * Parses a numeric CSV whose rows are features followed by an integer label. With `header`, the
 * first line is scikit-learn's `rows,features,class names…`, and the file must match it;
 * without, `features` and `classNames` say what to expect. Every problem is a DatasetError with
 * the file and line.
 *
 * @example
 * const iris = parseLabeledCsv(text, 'iris.csv', { header: true });
 * iris.x.shape; // [150, 4]
 */
export function parseLabeledCsv(
  text: string,
  file: string,
  spec: { header: true } | { header: false; features: number; classNames: string[] },
  options: ClassicOptions = {},
): ClassicData {
  checkString('parseLabeledCsv', 'text', text, { allowEmpty: true });
  checkString('parseLabeledCsv', 'file', file);
  const hot = classicOneHot('parseLabeledCsv', options);
  if (spec === null || typeof spec !== 'object') {
    throw new ValueError(
      `parseLabeledCsv: spec must be { header: true } or { header: false, features, classNames }, got ${describe(spec)}`,
    );
  }
  const s = checkOptions('parseLabeledCsv', spec, ['header', 'features', 'classNames']);
  checkBoolean('parseLabeledCsv', 'spec.header', s.header);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const fail = (line: number, what: string): never => {
    throw new DatasetError(`${file}, line ${line}: ${what}`, file);
  };
  let features: number;
  let classNames: string[];
  if (s.header) {
    const head = (lines.shift() ?? '').split(',');
    classNames = head.slice(2).map((c) => c.trim());
    if (!DECIMAL_INT.test(head[0]) || !DECIMAL_INT.test(head[1] ?? '') || classNames.length < 2) {
      fail(1, `expected a header 'rows,features,class names…', got '${head.join(',')}'`);
    }
    const rows = Number(head[0]);
    features = Number(head[1]);
    if (lines.length !== rows) fail(1, `the header announces ${rows} rows, the file has ${lines.length}`);
  } else {
    features = checkInteger('parseLabeledCsv', 'spec.features', s.features, { min: 1 });
    classNames = checkClassNames(s.classNames);
  }
  const first = s.header ? 2 : 1;
  const n = lines.length;
  const x = allocateChecked('parseLabeledCsv', [n, features], 'float32', () => new Float32Array(n * features));
  const labels = new Int32Array(n);
  lines.forEach((line, i) => {
    const cells = line.split(',');
    if (cells.length !== features + 1)
      fail(first + i, `${cells.length} values, expected ${features} features and a label`);
    for (let j = 0; j < features; j++) {
      const v = Number(cells[j]);
      // decimal only: Number() would also read '0x10' as 16, '0b1' as 1 and '' as 0
      if (!DECIMAL.test(cells[j]) || !Number.isFinite(v)) {
        fail(first + i, `feature ${j} is '${cells[j]}', not a decimal number`);
      }
      x[i * features + j] = v;
    }
    const label = Number(cells[features]);
    if (!DECIMAL_INT.test(cells[features]) || label >= classNames.length) {
      fail(first + i, `label '${cells[features]}' is not a class 0..${classNames.length - 1}`);
    }
    labels[i] = label;
  });
  const l = labelTensor(labels);
  return {
    x: new Tensor(x, [n, features]),
    t: hot ? oneHot(l, classNames.length) : l,
    labels: l,
    classNames,
  };
}

/** A decimal number as CSV files write them: optional sign, digits, fraction, exponent; spaces around. */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
/** A non-negative decimal integer (a label, a count), spaces around. */
const DECIMAL_INT = /^\s*\d+\s*$/;

function checkClassNames(v: unknown): string[] {
  if (!Array.isArray(v) || v.length < 2 || !v.every((c) => typeof c === 'string')) {
    throw new ValueError(`parseLabeledCsv: spec.classNames must be an array of at least 2 strings, got ${describe(v)}`);
  }
  return v;
}

function classicOneHot(fn: string, options: ClassicOptions): boolean {
  const { oneHot: hot } = checkOptions(fn, options, ['oneHot']);
  return hot === undefined ? false : checkBoolean(fn, 'oneHot', hot);
}

// The CSV comes from the platform: read from data/ in Node.js, embedded in the browser build.
function load(fn: string, csv: () => { text: string; file: string }, options: ClassicOptions): ClassicData {
  classicOneHot(fn, options);
  const { text, file } = csv();
  return parseLabeledCsv(text, file, { header: true }, options);
}

/**
 * Breast Cancer Wisconsin (Diagnostic), UCI (Wolberg, Street, Mangasarian): 569 tumours × 30
 * features; label 0 = malignant (212), 1 = benign (357). CC BY 4.0.
 *
 * @example
 * const { x, labels } = breastCancer(); // x [569, 30]
 * const scaler = standardize(x);
 */
export function breastCancer(options: ClassicOptions = {}): ClassicData {
  return load('breastCancer', breastCancerCsv, options);
}

/**
 * Fisher's iris, UCI: 150 flowers × 4 features (sepal length/width, petal length/width, cm);
 * 50 each of setosa, versicolor, virginica. CC BY 4.0.
 *
 * @example
 * const { x, t } = iris({ oneHot: true }); // x [150, 4], t [150, 3]
 * x.shape[1]; // 4
 */
export function iris(options: ClassicOptions = {}): ClassicData {
  return load('iris', irisCsv, options);
}

/**
 * Wine recognition, UCI (Forina et al.): 178 wines × 13 chemical features, 3 cultivars
 * (59 / 71 / 48). CC BY 4.0.
 *
 * @example
 * const { x, labels } = wine(); // x [178, 13]
 * standardize(x).transform(x);
 */
export function wine(options: ClassicOptions = {}): ClassicData {
  return load('wine', wineCsv, options);
}

/**
 * Optical recognition of handwritten digits, UCI test set (Alpaydin, Kaynak): 1,797 images of
 * 8×8 pixels with values 0–16, flattened to 64 features (as stored, not rescaled); labels 0–9.
 * CC BY 4.0. The file ships gzipped and is gunzipped at load (in Node.js).
 *
 * @example
 * const { x, labels } = digits(); // x [1797, 64], values 0..16
 * const scaled = x.div(16);
 */
export function digits(options: ClassicOptions = {}): ClassicData {
  classicOneHot('digits', options);
  const { text, file } = digitsCsv();
  const classNames = Array.from({ length: 10 }, (_, d) => String(d));
  return parseLabeledCsv(text, file, { header: false, features: 64, classNames }, options);
}
