#!/usr/bin/env node
// The `tapegrad` command: runs the compiled CLI (dist/, built by `npm run build` or at publish).
require('../dist/index.js')
  .main(process.argv.slice(2))
  .then((code) => (process.exitCode = code));
