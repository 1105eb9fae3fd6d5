/** The messages between the page (main.ts) and the training worker (train-worker.ts). */
import type { Settings } from './settings';

/** Page → worker. */
export type Command =
  | { type: 'configure'; settings: Settings }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'export' };

/** The decision boundary: the predicted class and its probability on a grid over the view. */
export interface Boundary {
  size: number;
  /** The view: [min, max] on both axes. */
  extent: number;
  classes: Uint8Array;
  confidence: Float32Array;
}

/** Worker → page. */
export type Report =
  | { type: 'ready'; kernels: string; reason: string }
  | {
      type: 'configured';
      model: string;
      points: Float32Array;
      labels: Int32Array;
      classes: number;
      extent: number;
    }
  | {
      type: 'progress';
      step: number;
      /** Training losses since the last report, one per step. */
      losses: number[];
      accuracy: number;
      stepsPerSecond: number;
      running: boolean;
      boundary: Boundary | null;
    }
  | { type: 'exported'; blob: Blob }
  | { type: 'error'; message: string };
