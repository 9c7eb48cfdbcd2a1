// Bundles each entry point with esbuild. Type-checking is separate (`npm run typecheck`).
import * as esbuild from 'esbuild';
import { PLOT_PACKAGES } from './plot-packages.mjs';
import { existsSync, readFileSync } from 'node:fs';

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
  external: PLOT_PACKAGES,
};

const entries = [
  // The extension host loads CommonJS.
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.cjs', format: 'cjs', external: ['vscode'] },
  { entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js', format: 'esm', banner: { js: esmRequireBanner } },
  { entryPoints: ['cli/src/main.ts'], outfile: 'dist/cli.js', format: 'esm', banner: { js: '#!/usr/bin/env node\n' + esmRequireBanner } },
  { entryPoints: ['session/src/render-worker.ts'], outfile: 'dist/render-worker.js', format: 'esm', banner: { js: esmRequireBanner } },
  // The preview's whole-mix analysis and "Render to WAV", in a worker thread of the extension host.
  { entryPoints: ['client/src/preview/analysis-worker.ts'], outfile: 'dist/preview-analysis.js', format: 'esm', banner: { js: esmRequireBanner } },
].filter((e) => existsSync(e.entryPoints[0]));

/**
 * A CommonJS bundle has no `import.meta`. esbuild warns about every module
 * that mentions it, even one tree-shaken away, as session/src/parallel.ts is
 * from the extension host's bundle (it comes with session/'s index; its
 * renders run in the ESM worker bundles). So the warning is replaced by the
 * check that matters: no code of the bundle reads `import.meta`.
 */
const cjs = { logOverride: { 'empty-import-meta': 'silent' }, metafile: true };

function assertNoImportMeta(result, outfile) {
  const inputs = result.metafile.outputs[outfile]?.inputs ?? {};
  const using = Object.entries(inputs).filter(([path, i]) => i.bytesInOutput > 0 && !path.includes('node_modules') && readFileSync(path, 'utf8').includes('import.meta'));
  if (using.length > 0) throw new Error(`${outfile} is CommonJS, but ${using.map(([p]) => p).join(', ')} read import.meta there`);
}

const options = (e) => ({ ...common, ...e, external: [...common.external, ...(e.external ?? [])], ...(e.format === 'cjs' ? cjs : {}) });

/** While watching, the same check after each rebuild (a failed check is printed; the watch goes on). */
const importMetaCheck = (e) => ({
  name: 'no-import-meta',
  setup(build) {
    build.onEnd((result) => {
      try {
        if (result.metafile) assertNoImportMeta(result, e.outfile);
      } catch (err) {
        console.error(`build: ${err.message}`);
      }
    });
  },
});

if (watch) {
  for (const e of entries) (await esbuild.context({ ...options(e), plugins: e.format === 'cjs' ? [importMetaCheck(e)] : [] })).watch();
} else {
  await Promise.all(entries.map(async (e) => {
    const result = await esbuild.build(options(e));
    if (e.format === 'cjs') assertNoImportMeta(result, e.outfile);
  }));
}

// The webview's bundles (browser ESM): the AudioWorklet processor and its pages.
await import('./build-media.mjs');
