import { defineConfig } from 'vitest/config';

// One runner for every layer. Unit tests (shared/, electron/ services) run in Node;
// end-to-end tests drive Debian's Chromium against the loopback transport.
//
// Two groups, run one after the other: everything else (two files at a time), then the
// responsiveness measurement (test/e2e/digitise-load.test.ts) alone. It measures how the UI
// and the main process behave while the OCR pool keeps both cores busy; sharing those cores
// with another test file as well measured the other file, not the app (a 1 s stall once).
const LOAD = 'test/e2e/digitise-load.test.ts';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'app', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'], exclude: [LOAD], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'load', include: [LOAD], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
