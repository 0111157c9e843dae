import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The dashboard: built into dist/apps/web, which the gateway serves at /. `npx nx serve web` runs vite's dev server,
// passing /api to a gateway on API_URL (default http://127.0.0.1:3000).
export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/apps/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // Pages are split (App.tsx); the largest chunk is ethers with siwe (~690 kB), loaded only to sign in.
    chunkSizeWarningLimit: 720,
  },
  server: { proxy: { '/api': process.env.API_URL ?? 'http://127.0.0.1:3000' } },
});
