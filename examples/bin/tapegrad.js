#!/usr/bin/env node
// The `tapegrad` command: runs the TypeScript CLI through ts-node (transpile only).
const path = require('node:path');
require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });
require('../cli/index.ts')
  .main(process.argv.slice(2))
  .then((code) => (process.exitCode = code));
