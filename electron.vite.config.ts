// Builds the desktop app: the main process (with the reader worker as its own entry, since it runs
// in worker threads), the preload, and the React renderer. The renderer build is also what the
// localhost web host serves.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve('src/main/electron/main.ts'),
          'reader-worker': resolve('src/main/engine/reader/reader-worker.ts'),
          'engine-worker': resolve('src/main/app/engine-worker.ts'),
        },
      },
    },
  },
  preload: {
    // A sandboxed preload must be CommonJS.
    build: { rollupOptions: { input: { index: resolve('src/preload/index.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } } },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react()],
    build: { rollupOptions: { input: resolve('src/renderer/index.html') } },
  },
});
