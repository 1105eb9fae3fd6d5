import type { ExampleModule } from './lib/example';

/** Every example by name, loaded on demand (so listing them stays instant). */
export const EXAMPLES: Record<string, () => Promise<ExampleModule>> = {
  'numerical-diff': () => import('./numerical-diff'),
  spiral: () => import('./spiral'),
  'gradient-check': () => import('./gradient-check'),
};
