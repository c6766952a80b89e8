// Vite builds the dashboard into web/dist, which `tincay serve` serves at / (docs/dashboard.md).
// `npm run dev` proxies the API to a running `tincay serve` on 127.0.0.1:8080.
import { defineConfig } from "vitest/config";
import preact from "@preact/preset-vite";

export default defineConfig({
  plugins: [preact()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // The server's Content-Security-Policy forbids inline scripts: keep everything in files.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { "/v1": "http://127.0.0.1:8080", "/healthz": "http://127.0.0.1:8080" },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    // One jsdom for all files: setting up a fresh one per file costs seconds on a busy machine.
    // Vitest 3 keeps one environment across files only in a single fork; with several forks a
    // file could get a new jsdom while @testing-library's `screen` still holds the old one.
    isolate: false,
    fileParallelism: false,
    poolOptions: { forks: { singleFork: true } },
  },
});
