import { defineConfig } from 'vite';

// Cross-origin isolation (these two headers) gives the page SharedArrayBuffer, so tapegrad may
// split large products across Web Workers; without them it runs on one thread.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: './',
  server: { host: '127.0.0.1', headers: isolation },
  preview: { host: '127.0.0.1', headers: isolation },
  // Keep class names through minification: module reprs (`toString()`), summaries and the
  // optimiser type stored in checkpoints use them, as PyTorch's do.
  worker: { format: 'es', rolldownOptions: { output: { keepNames: true } } },
  build: { target: 'es2022', rolldownOptions: { output: { keepNames: true } } },
});
