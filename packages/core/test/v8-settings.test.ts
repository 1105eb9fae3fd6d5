import { arrayBufferSweeping, v8Settings } from '../src';
import { applyV8Settings } from '../src/platform/v8-settings';

describe('arrayBufferSweeping', () => {
  test('turns concurrent ArrayBuffer sweeping off unless told otherwise', () => {
    expect(arrayBufferSweeping({}, [])).toBe('main-thread');
    expect(arrayBufferSweeping({ TAPEGRAD_CONCURRENT_SWEEP: '' }, [])).toBe('main-thread');
    expect(arrayBufferSweeping({ TAPEGRAD_CONCURRENT_SWEEP: '0' }, [])).toBe('main-thread');
    expect(arrayBufferSweeping({ TAPEGRAD_CONCURRENT_SWEEP: '1' }, [])).toBe('concurrent');
  });

  test('leaves the flag alone when node was started with it, on the command line or in NODE_OPTIONS', () => {
    expect(arrayBufferSweeping({}, ['--concurrent-array-buffer-sweeping'])).toBe('as-started');
    expect(arrayBufferSweeping({}, ['--max-old-space-size=4096', '--no-concurrent_array_buffer_sweeping'])).toBe(
      'as-started',
    );
    expect(arrayBufferSweeping({ NODE_OPTIONS: '--trace-gc  --no-concurrent-array-buffer-sweeping' }, [])).toBe(
      'as-started',
    );
    expect(arrayBufferSweeping({ NODE_OPTIONS: '--concurrent-marking' }, ['--inspect'])).toBe('main-thread');
  });

  test('a value other than 0 or 1 is an error that names the variable', () => {
    expect(() => arrayBufferSweeping({ TAPEGRAD_CONCURRENT_SWEEP: 'yes' }, [])).toThrow(
      "TAPEGRAD_CONCURRENT_SWEEP must be 0 or 1 (1 keeps V8's concurrent ArrayBuffer sweeping), got 'yes'",
    );
  });

  test('v8Settings records what was decided when tapegrad loaded; it is applied once', () => {
    expect(v8Settings.arrayBufferSweeping).toBe(arrayBufferSweeping());
    expect(Object.isFrozen(v8Settings)).toBe(true);
    applyV8Settings();
    expect(applyV8Settings()).toBe(false);
  });
});
