import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, parseFlags, UsageError } from '@tapegrad/cli';

/** Runs the CLI in-process, capturing what it prints. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-cli-'));

describe('tapegrad CLI', () => {
  it.each(['train', 'eval', 'graph', 'export'])('%s --help prints its options and exits 0', async (cmd) => {
    const r = await cli(cmd, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`usage: tapegrad ${cmd} [options]`);
    expect(r.out).toMatch(/--\w+/);
  });

  it('lists the commands with no arguments', async () => {
    const r = await cli();
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/train[\s\S]*eval[\s\S]*graph[\s\S]*export/);
  });

  it.each([
    [['frob'], /unknown command 'frob'/],
    [['train', '--bogus', '1'], /unknown option '--bogus'/],
    [['train', '--epochs', 'x'], /--epochs expects a positive integer, got 'x'/],
    [['train', '--data', 'cifar'], /--data expects one of mnist\|fashion-mnist\|spiral\|iris\|breast-cancer/],
    [['train', '--lr'], /--lr needs a value/],
    [['train', '--data', 'iris', '--layers', '5,3'], /does not fit iris: it needs 4 inputs and 3 outputs/],
    [['eval'], /--checkpoint is required/],
    [['export', '--onnx', 'm.onnx'], /--checkpoint is required/],
    [['graph', 'extra'], /unexpected argument 'extra'/],
    [
      ['eval', '--checkpoint', '/no/such/model.safetensors'],
      /--checkpoint expects an existing file, got '\/no\/such\/model\.safetensors'/,
    ],
    [['graph', '--checkpoint', os.tmpdir()], /--checkpoint expects an existing file/],
    // Found by the bad-input suite: export read the file unchecked (a raw ENOENT, exit code 1).
    [['export', '--checkpoint', '/no/such/model.safetensors'], /--checkpoint expects an existing file/],
  ])('%j is a usage error: message on stderr, exit code 2', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  // Found by the bad-input suite: '--__proto__' passed the flag lookup (Object.prototype's
  // property), so 'train --__proto__ 1' started training MNIST with the defaults.
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    "'tapegrad train --%s 1' is an unknown option (exit 2), not a training run",
    async (name) => {
      const r = await cli('train', `--${name}`, '1');
      expect(r.code).toBe(2);
      expect(r.err).toContain(`unknown option '--${name}'`);
    },
  );

  // Object.prototype's names used to reach the command table: a TypeError and exit code 1
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])(
    "'tapegrad %s' is an unknown command (exit 2), not a crash",
    async (name) => {
      const r = await cli(name);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`unknown command '${name}'`);
    },
  );

  it.each([
    ['--epochs', '0x10', /--epochs expects a positive integer/],
    ['--epochs', '1e3', /--epochs expects a positive integer/],
    ['--epochs', '1.5', /--epochs expects a positive integer/],
    ['--epochs', '-3', /--epochs expects a positive integer/],
    ['--epochs', ' 4', /--epochs expects a positive integer/],
    ['--epochs', '99999999999999999999', /--epochs expects a positive integer of at most 9007199254740991/],
    ['--batch-size', '0', /--batch-size expects a positive integer/],
    ['--seed', '-1', /--seed expects an integer ≥ 0/],
    ['--lr', '0x1', /--lr expects a positive decimal number/],
    ['--lr', '-0.1', /--lr expects a positive decimal number/],
    ['--lr', 'Infinity', /--lr expects a positive decimal number/],
    ['--lr', '1e400', /--lr expects a positive decimal number/],
    ['--lr', '0', /--lr expects a positive decimal number/],
    ['--layers', '2,0x10,3', /--layers expects comma-separated positive integers/],
    ['--layers', '2,1e1,3', /--layers expects comma-separated positive integers/],
  ])('train %s %j is a usage error naming the flag', async (flag, value, message) => {
    const r = await cli('train', '--data', 'spiral', flag, value);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('accepts plain decimals: --seed 0, --lr 1e-3, --lr .5', () => {
    const specs = {
      seed: { type: 'int', min: 0, help: '' },
      lr: { type: 'float', help: '' },
    } as const;
    expect(parseFlags('t', ['--seed', '0', '--lr', '1e-3'], specs)).toMatchObject({ seed: 0, lr: 0.001 });
    expect(parseFlags('t', ['--lr=.5'], specs)).toMatchObject({ lr: 0.5 });
  });

  const hasProc = fs.existsSync('/proc/self') && process.platform === 'linux';
  // Node's recursive mkdirSync loops forever on /proc/x (mkdir answers ENOENT, the parent exists)
  (hasProc ? it.each : it.skip.each)([['train', '--data', 'spiral', '--quiet'], ['graph']])(
    '%s --out /proc/x is a usage error at once, not a hang',
    async (...argv) => {
      const t0 = performance.now();
      const r = await cli(...argv, '--out', '/proc/x');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--out: cannot create the folder \/proc\/x \(ENOENT\)/);
      expect(performance.now() - t0).toBeLessThan(5000);
    },
    10000,
  );

  it('--out under a file is a usage error naming it', async () => {
    const file = path.join(tmp(), 'a-file');
    fs.writeFileSync(file, 'x');
    const r = await cli('graph', '--out', path.join(file, 'sub'));
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file} exists and is not a folder`);
  });

  it('parses --flag=value, lists and switches', () => {
    const flags = parseFlags('t', ['--layers=784,100,10', '--quiet'], {
      layers: { type: 'ints', help: '' },
      quiet: { type: 'switch', help: '' },
    });
    expect(flags.layers).toEqual([784, 100, 10]);
    expect(flags.quiet).toBe(true);
    expect(() => parseFlags('t', ['--layers', '784'], { layers: { type: 'ints', help: '' } })).toThrow(UsageError);
  });

  it('train --data spiral, then eval on its checkpoint reproduces the training accuracy', async () => {
    const out = tmp();
    const trained = await cli('train', '--data', 'spiral', '--out', out, '--quiet', '--no-plots');
    expect(trained.code).toBe(0);
    const acc = Number(/train accuracy (\d\.\d+)/.exec(trained.out)![1]);
    expect(acc).toBeGreaterThan(0.9);
    const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));
    const evaluated = await cli('eval', '--checkpoint', path.join(out, 'model.safetensors'));
    expect(evaluated.code).toBe(0);
    expect(evaluated.out).toContain(`accuracy ${metrics.trainAccuracy.toFixed(4)}`);
    expect(evaluated.out).toContain('reproduced');
  });

  it('trains iris on a stratified split and evaluates the held-out part', async () => {
    const out = tmp();
    const trained = await cli('train', '--data', 'iris', '--epochs', '30', '--out', out, '--quiet', '--no-plots');
    expect(trained.code).toBe(0);
    expect(trained.out).toMatch(/held-out 20% accuracy/);
    const evaluated = await cli('eval', '--checkpoint', path.join(out, 'model.safetensors'), '--data', 'iris');
    expect(evaluated.out).toMatch(/iris test \(30 rows\)/);
    expect(evaluated.out).toContain('reproduced');
  });

  it('graph writes DOT and an SVG laid out by the WASM Graphviz', async () => {
    const out = tmp();
    const r = await cli('graph', '--layers', '3,5,2', '--out', out);
    expect(r.code).toBe(0);
    const dot = fs.readFileSync(path.join(out, 'graph.dot'), 'utf8');
    expect(dot).toMatch(/^digraph/);
    expect(dot).toContain('softmaxCrossEntropy');
    expect(dot).toContain('0.weight');
    const svg = fs.readFileSync(path.join(out, 'graph.svg'), 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('softmaxCrossEntropy');
    expect(fs.statSync(path.join(out, 'graph.png')).size).toBeGreaterThan(1000);
  });

  it('the bin script runs the CLI as a process and exits 2 on a bad flag', () => {
    const bin = path.join(__dirname, '..', 'bin', 'tapegrad.js');
    const r = spawnSync(process.execPath, [bin, 'train', '--nope'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown option '--nope'");
    const proto = spawnSync(process.execPath, [bin, '__proto__'], { encoding: 'utf8' });
    expect(proto.status).toBe(2);
    expect(proto.stderr).toContain("unknown command '__proto__'");
  });
});
