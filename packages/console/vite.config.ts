import { defineConfig } from 'vite';

// Served by the server at /console: every asset under /console/assets/, no inline script or style
// (the page's Content-Security-Policy allows 'self' only), no source maps shipped.
export default defineConfig({
  base: '/console/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
    rolldownOptions: {
      onwarn(warning, warn) {
        // TanStack Query marks its modules "use client" for server-component bundlers; meaningless here
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
});
