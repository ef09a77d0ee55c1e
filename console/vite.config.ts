import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by Roster at /console (src/modules/console/http/console-static.ts): hashed names under assets/.
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // No inline script: the strict CSP (script-src 'self') would refuse it.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 600,
  },
});
