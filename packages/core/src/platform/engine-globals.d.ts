/**
 * What the code uses of V8 beyond the ECMAScript library, for the ESM build, which compiles
 * without Node's types (so that Node APIs cannot slip into browser code): V8's stack-trace
 * depth, which Chromium has as well (anomaly mode sets it while it captures call sites).
 */
interface ErrorConstructor {
  stackTraceLimit: number;
}
