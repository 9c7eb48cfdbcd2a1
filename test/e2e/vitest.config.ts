/**
 * `npm run test:e2e`: the editor end-to-end test (test/e2e/*.e2e.test.ts),
 * kept out of `npm test` (the main vitest.config.ts excludes test/e2e/).
 * One file, one window, its steps in order; long timeouts for a first
 * install of code-server and for a slow VS Code on a small machine.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 900_000,
    fileParallelism: false,
  },
});
