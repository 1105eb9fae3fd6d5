import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXAMPLES } from '../registry';
import { main } from '../run';

describe('npm run example', () => {
  let logs: string[];
  let errors: string[];
  beforeEach(() => {
    logs = [];
    errors = [];
    jest.spyOn(console, 'log').mockImplementation((l: string) => void logs.push(l));
    jest.spyOn(console, 'error').mockImplementation((l: string) => void errors.push(l));
  });
  afterEach(() => jest.restoreAllMocks());

  it('lists every registered example', async () => {
    expect(await main([])).toBe(0);
    for (const name of Object.keys(EXAMPLES)) expect(logs.join('\n')).toContain(`  ${name}`);
    expect(Object.keys(EXAMPLES)).toHaveLength(19);
  });

  it('rejects an unknown example or flag with exit code 2', async () => {
    expect(await main(['nope'])).toBe(2);
    expect(errors.join('\n')).toContain("no example named 'nope'");
    expect(await main(['spiral', '--fast'])).toBe(2);
    expect(await main(['spiral', '--seeds', 'many'])).toBe(2);
    expect(errors.join('\n')).toContain('--seeds needs a whole number');
  });

  it('runs an example into --out and lists its files', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-run-'));
    expect(await main(['seven-segment', '--smoke', '--out', out])).toBe(0);
    expect(fs.existsSync(path.join(out, 'metrics.json'))).toBe(true);
    expect(logs.join('\n')).toContain(path.join(out, 'metrics.json'));
  });
});
