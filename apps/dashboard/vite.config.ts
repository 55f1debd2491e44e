import { defineConfig } from "vite";

/** The dashboard is a static build: relative asset URLs, so it also works behind a path prefix. */
export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  resolve: { conditions: ["@agentwatch/source"] },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
  },
});
