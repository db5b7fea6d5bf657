import { defineConfig } from 'astro/config';

// A static page: no server, no client JavaScript. The API serves dist/ at `/`.
export default defineConfig({
  output: 'static',
  outDir: './dist',
  compressHTML: true,
  devToolbar: { enabled: false },
  build: { inlineStylesheets: 'always', assets: '_astro' },
});
