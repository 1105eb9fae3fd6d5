import type { Config } from 'jest';

/**
 * One jest run over every package. Tests import packages by name and are mapped to their
 * TypeScript sources, so `npm test` never tests stale build output. ts-jest only transpiles
 * (the type check is `npm run typecheck`), which keeps the suite fast.
 */
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/examples', '<rootDir>/bench', '<rootDir>/test'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json', diagnostics: false }],
  },
  moduleNameMapper: {
    '^#platform$': '<rootDir>/packages/core/src/platform/node.ts',
    '^#kernel-code$': '<rootDir>/packages/core/src/kernels/code/node.ts',
    '^#datasets-platform$': '<rootDir>/packages/datasets/src/platform/node.ts',
    '^#nn-platform$': '<rootDir>/packages/nn/src/platform/node.ts',
    '^@tapegrad/core/testing$': '<rootDir>/packages/core/src/testing/index.ts',
    '^@tapegrad/core/node$': '<rootDir>/packages/core/src/node/index.ts',
    '^@tapegrad/(core|nn|onnx|datasets|plot|cli)$': '<rootDir>/packages/$1/src/index.ts',
  },
  modulePathIgnorePatterns: ['<rootDir>/packages/.*/dist/', '<rootDir>/examples/dist/'],
  testTimeout: 60000,
  // One worker per core. Jest's default leaves a core to itself (cores − 1), which on a 2-core
  // machine runs every suite in one worker; many suites wait on child processes (Python,
  // Chromium, the plot renderer), so two workers took 245 s where one took 327 s here.
  maxWorkers: '100%',
};

export default config;
