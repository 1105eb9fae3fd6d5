import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Rng, type Tensor, noGrad } from '@tapegrad/core';
import { decodeSafetensors, encodeSafetensors, load, save } from '@tapegrad/nn';
import { relError } from './helpers/ort';
import { randomInputs } from './helpers/verify';
import { pythonWith, runPython } from './helpers/python';
import { ZOO } from './zoo';

/**
 * Checkpoint round trips with real PyTorch (Debian's python3-torch): tapegrad's safetensors load
 * into the same torch.nn architecture with strict=True and give the same outputs, and weights
 * PyTorch writes load into tapegrad (strictly) and give PyTorch's outputs.
 */
const torchPy = pythonWith(['torch', 'numpy']);

function within(arch: string, what: string, got: Tensor, want: Tensor): void {
  const err = relError(got.data, want.data);
  if (process.env.TAPEGRAD_REPORT === '1') console.log(`${arch}: ${what}: relative error ${err.toExponential(2)}`);
  if (!(err <= 1e-5)) throw new Error(`${arch}: ${what} differs from the other side by ${err} (relative, ‖·‖∞)`);
}
const maybe = torchPy.ok ? test : test.skip;

maybe("the test's safetensors writer reproduces the reference implementation's bytes", () => {
  expect(runPython('safetensors_io.py', ['--self-test']).trim()).toBe('ok');
});

maybe('every architecture round-trips through PyTorch, strictly, within 1e-5 both ways', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-torch-'));
  try {
    const cases = ZOO.map((arch, i) => {
      const dir = path.join(root, `case-${i}`);
      fs.mkdirSync(dir);
      const model = arch.build(new Rng(100 + i)).eval();
      const x = randomInputs([[5, ...arch.input.slice(1)]], new Rng(200 + i), 'float32', false, [arch.ids])[0];
      fs.writeFileSync(
        path.join(dir, 'spec.json'),
        JSON.stringify({ ...arch.torch, input: arch.input, seed: 300 + i }),
      );
      save(model, path.join(dir, 'tapegrad.safetensors'));
      fs.writeFileSync(path.join(dir, 'io.safetensors'), encodeSafetensors([['x', x]]));
      return { arch, dir, model, x, y: noGrad(() => model.forward(x)) };
    });
    const report = JSON.parse(
      runPython(
        'torch_roundtrip.py',
        cases.map((c) => c.dir),
      ),
    ) as {
      cases: Record<
        string,
        { state_dict: [string, number[]][]; int64: Record<string, number>; fresh_int64: Record<string, number> }
      >;
    };
    for (const { arch, dir, model, x, y } of cases) {
      // The layouts are torch.nn's: the same keys (parameters and buffers), in the same order,
      // with the same shapes; the int64 counters (num_batches_tracked) arrive as int64 with their values.
      const state = model.namedState();
      const ours = [...state.entries()].map(([k, p]) => [k, [...p.shape]]);
      expect([arch.name, report.cases[dir].state_dict]).toEqual([arch.name, ours]);
      const counters = Object.fromEntries([...model.int64BufferNames()].map((k) => [k, state.get(k)!.item()]));
      expect(report.cases[dir].int64).toEqual(counters);
      const out = decodeSafetensors(fs.readFileSync(path.join(dir, 'torch-out.safetensors'))).tensors;
      within(arch.name, "PyTorch with tapegrad's weights", out.get('with_tapegrad_weights')!, y);

      // PyTorch → tapegrad: load() and loadStateDict() take the file PyTorch's writer made.
      const file = path.join(dir, 'torch.safetensors');
      const { metadata } = decodeSafetensors(fs.readFileSync(file));
      expect(metadata).toEqual({ format: 'pt' });
      const fresh: Tensor = out.get('fresh')!;
      const viaLoad = arch.build(new Rng(1)).eval();
      load(viaLoad, file);
      within(
        arch.name,
        "tapegrad with PyTorch's weights",
        noGrad(() => viaLoad.forward(x)),
        fresh,
      );
      const viaStateDict = arch.build(new Rng(2)).eval();
      viaStateDict.loadStateDict(decodeSafetensors(fs.readFileSync(file)).tensors);
      const loaded = viaLoad.namedState();
      const theirCounters = Object.fromEntries([...viaLoad.int64BufferNames()].map((k) => [k, loaded.get(k)!.item()]));
      expect(theirCounters).toEqual(report.cases[dir].fresh_int64);
      const values = (m: typeof model): number[][] => [...m.namedState().values()].map((t) => Array.from(t.data));
      expect(values(viaStateDict)).toEqual(values(viaLoad));
      expect(relError(y.data, fresh.data)).toBeGreaterThan(1e-2); // the fresh model really is another one
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
