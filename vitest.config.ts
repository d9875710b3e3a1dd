import { defineConfig } from 'vitest/config';

// One runner for every layer. Unit tests (shared/, electron/ services) run in Node;
// end-to-end tests drive Debian's Chromium against the loopback transport.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
