import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Rng, ValueError, tensor } from '@tapegrad/core';
import { Adam, CheckpointError, Linear, StateDictError, load, mlp, save } from '@tapegrad/nn';

// Regression tests for issue #18's checkpoint and state-dict cases.
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-ckpt-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A pid that certainly belonged to a process that has exited (a crashed saver). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid!;
}

test('stale temp files of a crashed save are removed at the next save to the same directory', () => {
  const model = mlp([2, 3], { rng: new Rng(0) });
  const past = new Date(Date.now() - 60_000);
  const future = new Date(Date.now() + 60_000);
  const dead = deadPid();
  const stale = [`.model.safetensors.${dead}.k3j2h1.tmp`, `.other.safetensors.${dead}.abc.tmp`];
  const live = `.model.safetensors.${process.ppid}.zz9.tmp`; // a saver that is still running
  const fresh = `.model.safetensors.${dead}.new1.tmp`; // written after this save began
  const unrelated = ['.model.safetensors.tmp', 'notes.txt', `.x.${dead}.UPPER.tmp`];
  for (const name of [...stale, live, ...unrelated]) {
    fs.writeFileSync(path.join(dir, name), 'partial');
    fs.utimesSync(path.join(dir, name), past, past);
  }
  fs.writeFileSync(path.join(dir, fresh), 'partial');
  fs.utimesSync(path.join(dir, fresh), future, future);

  save(model, path.join(dir, 'model.safetensors'));
  const left = fs.readdirSync(dir).sort();
  expect(left).toEqual([live, fresh, 'model.safetensors', ...unrelated].sort());
  load(mlp([2, 3]), path.join(dir, 'model.safetensors'));
});

test('save() to a missing directory is a CheckpointError naming the path, not a raw ENOENT', () => {
  const file = path.join(dir, 'missing', 'model.safetensors');
  let err: unknown = null;
  try {
    save(mlp([2, 3]), file);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CheckpointError);
  expect((err as CheckpointError).problem).toBe('io');
  expect((err as Error).message).toBe(
    `save: cannot write '${file}': the directory '${path.join(dir, 'missing')}' does not exist`,
  );
  expect((err as Error).message).not.toContain('.tmp');
  fs.writeFileSync(path.join(dir, 'afile'), '');
  expect(() => save(mlp([2, 3]), path.join(dir, 'afile', 'model.safetensors'))).toThrow(/'.*afile' is not a directory/);
  expect(fs.readdirSync(dir)).toEqual(['afile']); // no temp file left behind
});

test('save and load options are checked', () => {
  const model = mlp([2, 3]);
  const file = path.join(dir, 'm.safetensors');
  expect(() => save(model, file, { optimiser: new Adam(model.parameters()) } as never)).toThrow(
    /^save: unknown option 'optimiser' \(did you mean 'optimizer'\?\)/,
  );
  expect(() => save(model, '' as never)).toThrow(/^save: file must be a non-empty path string/);
  save(model, file);
  expect(() => load(model, file, { strict: 'no' } as never)).toThrow(/^load: strict must be true or false/);
  expect(() => load(model, file, { stric: false } as never)).toThrow(/^load: unknown option 'stric'/);
});

test('an optimiser state with lr NaN in a checkpoint is a typed error, and nothing is loaded', () => {
  const model = mlp([2, 3], { rng: new Rng(0) });
  const opt = new Adam(model.parameters(), { lr: 0.01 });
  const file = path.join(dir, 'm.safetensors');
  const bad = Object.assign(Object.create(Object.getPrototypeOf(opt)), opt) as Adam;
  bad.stateDict = () => {
    const sd = opt.stateDict();
    return { ...sd, paramGroups: [{ ...sd.paramGroups[0], lr: NaN }] };
  };
  save(model, file, { optimizer: bad });
  const target = mlp([2, 3], { rng: new Rng(1) });
  const before = Array.from(target.parameters()[0].data);
  const targetOpt = new Adam(target.parameters(), { lr: 0.5 });
  expect(() => load(target, file, { optimizer: targetOpt })).toThrow(
    /^Adam\.loadStateDict: paramGroups\[0\]\.lr must be a finite number ≥ 0, got (NaN|null)$/,
  );
  expect(targetOpt.lr).toBe(0.5);
  expect(Array.from(target.parameters()[0].data)).toEqual(before);
});

describe('loadStateDict(null) and non-tensor values are typed errors', () => {
  const fc = (): Linear => new Linear(2, 1);
  test.each([
    ['null', null, /^Linear\.loadStateDict: stateDict must be a Map or an object, got null$/],
    ['undefined', undefined, /stateDict must be a Map or an object, got undefined/],
    ['a number', 5, /stateDict must be a Map or an object, got 5/],
    ['a tensor', tensor([1]), /stateDict must be a Map or an object, got a float32 Tensor/],
    [
      'a number value',
      { weight: 1, bias: tensor([0]) },
      /^Linear\.loadStateDict: stateDict\['weight'\] must be a Tensor, got 1$/,
    ],
    ['a null value', new Map([['weight', null]]), /stateDict\['weight'\] must be a Tensor, got null/],
    [
      'an array value',
      { weight: [[1, 2]], bias: tensor([0]) },
      /stateDict\['weight'\] must be a Tensor, got \[\[…\]\]/,
    ],
    ['a bad pair', [['weight']], /stateDict entry 0 must be a \[name, value\] pair/],
  ])('%s', (_name, sd, message) => {
    const m = fc();
    const before = Array.from(m.weight.data);
    expect(() => m.loadStateDict(sd as never)).toThrow(ValueError);
    expect(() => m.loadStateDict(sd as never)).toThrow(message);
    expect(Array.from(m.weight.data)).toEqual(before);
  });
  test('options of loadStateDict are checked; mismatches are still one StateDictError', () => {
    const m = fc();
    expect(() => m.loadStateDict(m.stateDict(), { strickt: false } as never)).toThrow(/unknown option 'strickt'/);
    expect(() => m.loadStateDict({ weight: tensor([[1, 2, 3]]) }, { strict: false })).toThrow(StateDictError);
  });
});
