import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The UI is embedded in the app (tauri://localhost): relative assets, no dev server needed.
export default defineConfig({
  plugins: [svelte()],
  base: './',
  build: { target: 'safari15', outDir: 'dist', emptyOutDir: true, sourcemap: false },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
