/**
 * The playground page: the form, the buttons and the plots. tapegrad itself runs in the training
 * worker (train-worker.ts); this thread only draws, so it never freezes, and it says so when the
 * worker stops answering.
 */
import { drawBoundary, drawLoss } from './draw';
import type { Boundary, Command, Report } from './protocol';
import { type Settings, parseSettings } from './settings';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const form = $<HTMLFormElement>('settings');
const problemsBox = $<HTMLDivElement>('problems');
const startButton = $<HTMLButtonElement>('start');
const stepButton = $<HTMLButtonElement>('step');
const resetButton = $<HTMLButtonElement>('reset');
const exportButton = $<HTMLButtonElement>('export');
const boundaryCanvas = $<HTMLCanvasElement>('boundary');
const lossCanvas = $<HTMLCanvasElement>('lossCurve');

const FIELDS: (keyof Settings)[] = [
  'data',
  'points',
  'noise',
  'seed',
  'hidden',
  'activation',
  'optimizer',
  'lr',
  'batchSize',
  'l2',
];
// A worker that has not reported for this long while training is reported as stuck.
const STALL_MS = 5000;

const worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
let running = false;
let valid = false;
let losses: number[] = [];
let data: { points: Float32Array; labels: Int32Array; extent: number } | null = null;
let boundary: Boundary | null = null;
let lastReport = performance.now();

const send = (c: Command): void => worker.postMessage(c);

function showProblems(messages: string[]): void {
  problemsBox.hidden = messages.length === 0;
  problemsBox.replaceChildren(...messages.map((m) => Object.assign(document.createElement('p'), { textContent: m })));
}

function setRunning(on: boolean): void {
  running = on;
  startButton.textContent = on ? 'Pause' : 'Start';
  startButton.setAttribute('aria-pressed', String(on));
}

function updateButtons(): void {
  for (const b of [startButton, stepButton, exportButton]) b.disabled = !valid;
}

// Reads and checks the form; a valid one (re)starts from a fresh model.
function configure(): void {
  const raw = Object.fromEntries(
    FIELDS.map((f) => [f, String((form.elements.namedItem(f) as HTMLInputElement).value)]),
  ) as Record<keyof Settings, string>;
  // the spiral has its own noise (the book's): the field does not apply to it
  (form.elements.namedItem('noise') as HTMLInputElement).disabled = raw.data === 'spiral';
  const parsed = parseSettings(raw);
  for (const f of FIELDS) (form.elements.namedItem(f) as HTMLElement).removeAttribute('aria-invalid');
  setRunning(false);
  if ('problems' in parsed) {
    for (const p of parsed.problems)
      (form.elements.namedItem(p.field) as HTMLElement).setAttribute('aria-invalid', 'true');
    showProblems(parsed.problems.map((p) => p.message));
    valid = false;
    updateButtons();
    send({ type: 'pause' });
    return;
  }
  showProblems([]);
  valid = true;
  updateButtons();
  losses = [];
  boundary = null;
  send({ type: 'configure', settings: parsed.settings });
}

function redraw(): void {
  if (data) drawBoundary(boundaryCanvas, boundary, data.points, data.labels, data.extent);
  drawLoss(lossCanvas, losses);
}

worker.onmessage = (e: MessageEvent<Report>) => {
  const r = e.data;
  lastReport = performance.now();
  if (r.type === 'ready') {
    $('kernels').textContent = r.reason === '' ? r.kernels : `${r.kernels} (${r.reason})`;
  } else if (r.type === 'configured') {
    data = { points: r.points, labels: r.labels, extent: r.extent };
    $('model').textContent = r.model;
    redraw();
  } else if (r.type === 'progress') {
    losses.push(...r.losses);
    if (r.boundary) boundary = r.boundary;
    $('stepCount').textContent = String(r.step);
    if (r.stepsPerSecond > 0) $('stepsPerSecond').textContent = r.stepsPerSecond.toFixed(0);
    if (losses.length > 0) $('loss').textContent = losses[losses.length - 1].toFixed(4);
    const acc = $('accuracy');
    acc.textContent = `${(100 * r.accuracy).toFixed(1)}%`;
    acc.dataset.value = String(r.accuracy);
    redraw();
  } else if (r.type === 'exported') {
    const a = Object.assign(document.createElement('a'), {
      href: URL.createObjectURL(r.blob),
      download: 'tapegrad-playground.safetensors',
    });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  } else if (r.type === 'error') {
    setRunning(false);
    showProblems([r.message]);
  }
};

worker.onerror = (e) => {
  setRunning(false);
  showProblems([`the training worker failed: ${e.message}`]);
};

setInterval(() => {
  if (running && performance.now() - lastReport > STALL_MS) {
    showProblems([`training has not reported for ${STALL_MS / 1000} s: the worker may be stuck (Reset to start over)`]);
  }
}, 1000);

function toggle(): void {
  if (!valid) return;
  setRunning(!running);
  send({ type: running ? 'start' : 'pause' });
}

startButton.onclick = toggle;
stepButton.onclick = () => {
  if (!valid) return;
  setRunning(false);
  send({ type: 'step' });
};
resetButton.onclick = configure;
exportButton.onclick = () => send({ type: 'export' });
form.addEventListener('change', configure);
form.addEventListener('submit', (e) => e.preventDefault());

document.addEventListener('keydown', (e) => {
  const t = e.target as HTMLElement;
  if (e.ctrlKey || e.metaKey || e.altKey || t.closest('input, select, textarea, button')) return;
  if (e.key === ' ') {
    e.preventDefault();
    toggle();
  } else if (e.key === 's' || e.key === 'S') stepButton.click();
  else if (e.key === 'r' || e.key === 'R') configure();
});

configure();
