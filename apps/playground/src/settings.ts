/**
 * The playground's settings: what the form holds, checked before anything is trained. Every
 * problem is reported with the field it belongs to, so the page can mark it.
 */

export const DATA_SETS = ['spiral', 'xor', 'circles', 'moons', 'gaussians'] as const;
export const ACTIVATIONS = ['tanh', 'relu', 'sigmoid'] as const;
export const OPTIMIZERS = ['adam', 'sgd', 'momentum', 'rmsprop', 'adagrad'] as const;

/** Checked settings, ready for the training worker. */
export interface Settings {
  data: (typeof DATA_SETS)[number];
  /** Points per class. */
  points: number;
  /** Noise of the data set (its own units: standard deviation of the coordinates' noise). */
  noise: number;
  hidden: number[];
  activation: (typeof ACTIVATIONS)[number];
  optimizer: (typeof OPTIMIZERS)[number];
  lr: number;
  batchSize: number;
  l2: number;
  seed: number;
}

/** A field of the form and what is wrong with it. */
export interface Problem {
  field: keyof Settings;
  message: string;
}

/** How many classes a data set has. */
export const classCount = (data: Settings['data']): number => (data === 'spiral' || data === 'gaussians' ? 3 : 2);

const MAX_LAYERS = 6;
const MAX_WIDTH = 256;

function number(raw: string): number {
  return raw.trim() === '' ? NaN : Number(raw);
}

/**
 * Checks the raw form values: the settings, or the problems (none silently corrected).
 *
 * @example
 * parseSettings({ ...form, lr: '0' }); // { problems: [{ field: 'lr', message: '…' }] }
 */
export function parseSettings(raw: Record<keyof Settings, string>): { settings: Settings } | { problems: Problem[] } {
  const problems: Problem[] = [];
  const bad = (field: keyof Settings, message: string): void => void problems.push({ field, message });
  const data = raw.data as Settings['data'];
  if (!DATA_SETS.includes(data)) bad('data', `unknown data set '${raw.data}'`);
  const points = number(raw.points);
  if (!Number.isInteger(points) || points < 2 || points > 2000) {
    bad('points', 'points per class must be a whole number from 2 to 2000');
  }
  const noise = number(raw.noise);
  if (!Number.isFinite(noise) || noise < 0 || noise > 1) bad('noise', 'noise must be a number from 0 to 1');
  const widths = raw.hidden.trim() === '' ? [] : raw.hidden.split(',').map((w) => number(w));
  if (widths.length > MAX_LAYERS || widths.some((w) => !Number.isInteger(w) || w < 1 || w > MAX_WIDTH)) {
    bad('hidden', `hidden layers: up to ${MAX_LAYERS} widths from 1 to ${MAX_WIDTH}, separated by commas (e.g. 16,16)`);
  }
  const activation = raw.activation as Settings['activation'];
  if (!ACTIVATIONS.includes(activation)) bad('activation', `unknown activation '${raw.activation}'`);
  const optimizer = raw.optimizer as Settings['optimizer'];
  if (!OPTIMIZERS.includes(optimizer)) bad('optimizer', `unknown optimiser '${raw.optimizer}'`);
  const lr = number(raw.lr);
  if (!Number.isFinite(lr) || lr <= 0 || lr > 10) bad('lr', 'learning rate must be a number above 0 and at most 10');
  const batchSize = number(raw.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1) bad('batchSize', 'batch size must be a whole number ≥ 1');
  else if (Number.isInteger(points) && batchSize > points * classCount(data)) {
    bad('batchSize', `batch size cannot exceed the ${points * classCount(data)} training points`);
  }
  const l2 = number(raw.l2);
  if (!Number.isFinite(l2) || l2 < 0 || l2 > 1) bad('l2', 'L2 must be a number from 0 to 1');
  const seed = number(raw.seed);
  if (!Number.isInteger(seed) || seed < 0) bad('seed', 'seed must be a whole number ≥ 0');
  if (problems.length > 0) return { problems };
  return { settings: { data, points, noise, hidden: widths, activation, optimizer, lr, batchSize, l2, seed } };
}
