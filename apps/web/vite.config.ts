import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The API serves this build at /app/ and answers /api and /auth on the same origin.
// In `npm run dev`, Vite forwards those paths to a running API (ATELIER_API_URL).
const api = process.env.ATELIER_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  base: '/app/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/auth': { target: api, changeOrigin: false },
    },
  },
});
