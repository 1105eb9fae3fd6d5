import { TapegradError } from '../errors';
import { platform } from '../platform';

/**
 * `@tapegrad/core/testing` builds on fast-check, an optional peer dependency of
 * `@tapegrad/core` (the rest of core never loads it). Imported first by the testing entry point,
 * this turns a missing fast-check into one clear error instead of a bare "Cannot find module".
 *
 * @example
 * import '@tapegrad/core/testing';
 * // without fast-check: TapegradError: @tapegrad/core/testing needs the optional peer dependency fast-check: npm install --save-dev fast-check
 */
export function requireFastCheck(resolve: (id: string) => string = platform.resolveModule): void {
  try {
    resolve('fast-check');
  } catch {
    throw new TapegradError(
      '@tapegrad/core/testing needs the optional peer dependency fast-check (^4.3): npm install --save-dev fast-check',
    );
  }
}

requireFastCheck();
