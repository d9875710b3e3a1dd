// Builds the renderer (React, DOM only) into dist/renderer.
// base './' so the built index.html also loads its assets from file:// inside Electron.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: `${here}renderer`,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${here}dist/renderer`,
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: false,
    // No inline <script>/<style> and no data: module preload polyfill: the CSP forbids them.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: { port: 5173, strictPort: false },
});
