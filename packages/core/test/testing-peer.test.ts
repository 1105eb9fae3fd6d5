import { TapegradError } from '@tapegrad/core';
import { requireFastCheck } from '../src/testing/require-fast-check';

describe('@tapegrad/core/testing and its optional peer fast-check', () => {
  it('without fast-check, importing /testing is one clear error with the install command', () => {
    const missing = (id: string): string => {
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    };
    expect(() => requireFastCheck(missing)).toThrow(TapegradError);
    expect(() => requireFastCheck(missing)).toThrow(
      '@tapegrad/core/testing needs the optional peer dependency fast-check (^4.3): npm install --save-dev fast-check',
    );
  });

  it('with fast-check installed it resolves and does nothing else', () => {
    const seen: string[] = [];
    expect(() => requireFastCheck((id) => (seen.push(id), `/x/${id}`))).not.toThrow();
    expect(seen).toEqual(['fast-check']);
  });
});
