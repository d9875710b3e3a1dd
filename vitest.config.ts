import { defineConfig } from 'vitest/config';

// One runner for every layer. Unit tests (shared/, electron/ services) run in Node;
// end-to-end tests drive Debian's Chromium against the loopback transport.
//
// Two groups, run one after the other: everything else (two files at a time), then the
// measurements of responsiveness alone, one file at a time: test/e2e/digitise-load.test.ts
// (the UI and the main process while the OCR pool keeps both cores busy) and
// test/pages/view-render.test.ts (the main thread's event-loop delay while page views are
// rendered, bound 20 ms). Sharing the cores with another test file measured the other file,
// not the app (a 1 s stall once; 23–59 ms delays for view-render beside other files).
const LOAD = ['test/e2e/digitise-load.test.ts', 'test/pages/view-render.test.ts'];

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
        test: { name: 'app', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'], exclude: LOAD, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'load', include: LOAD, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
