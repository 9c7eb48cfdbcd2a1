// Bundles each entry point with esbuild. Type-checking is separate (`npm run typecheck`).
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** ESM bundles for Node need `require` for the CommonJS packages they inline. */
const esmRequireBanner = "import { createRequire as __mixdownCreateRequire } from 'node:module'; const require = __mixdownCreateRequire(import.meta.url);";

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

const entries = [
  // The extension host loads CommonJS.
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.cjs', format: 'cjs', external: ['vscode'] },
  { entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js', format: 'esm', banner: { js: esmRequireBanner } },
  { entryPoints: ['cli/src/main.ts'], outfile: 'dist/cli.js', format: 'esm', banner: { js: '#!/usr/bin/env node\n' + esmRequireBanner } },
  { entryPoints: ['cli/src/render-worker.ts'], outfile: 'dist/render-worker.js', format: 'esm', banner: { js: esmRequireBanner } },
  // The preview's whole-mix analysis and "Render to WAV", in a worker thread of the extension host.
  { entryPoints: ['client/src/preview/analysis-worker.ts'], outfile: 'dist/preview-analysis.js', format: 'esm', banner: { js: esmRequireBanner } },
].filter((e) => existsSync(e.entryPoints[0]));

if (watch) {
  for (const e of entries) (await esbuild.context({ ...common, ...e })).watch();
} else {
  await Promise.all(entries.map((e) => esbuild.build({ ...common, ...e })));
}

// The webview's bundles (browser ESM): the AudioWorklet processor and its pages.
await import('./build-media.mjs');
