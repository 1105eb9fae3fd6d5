import type { Config } from 'jest';

/**
 * The browser tests (`npm run test:browser`, run by .ci/run after `npm test`): real Chromium
 * driven by playwright-core over pages served from 127.0.0.1. Apart from `npm test` because they
 * need Debian's Chromium and the browser builds (dist/esm, the playground's Vite build), and take
 * about two minutes. One test file at a time: each starts its own browser.
 */
const config: Config = {
  rootDir: '.',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json', diagnostics: false }],
  },
  maxWorkers: 1,
  testTimeout: 300000,
};

export default config;
