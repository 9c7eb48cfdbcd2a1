// Bundles the webview side with esbuild: browser ES modules in dist/media/.
//   dist/media/worklet/processor.js   the AudioWorkletProcessor that runs engine/
//   dist/media/preview/main.js, *.css  the preview panel's page
// `platform: 'browser'` makes any Node import a build error, which keeps
// engine/ and grammar/ honest. Type-checking is separate:
// `tsc -b media/worklet media/preview test/browser/pages`.
// `--outdir DIR` lays the same files out under DIR instead of dist/media
// (the browser tests build their own copy, so none rewrites dist/ while
// another test reads it). `--test-page NAME` (repeatable) adds the browser
// test page test/browser/pages/NAME (main.ts, index.html) as DIR/NAME/, next
// to the worklet it loads; test pages never go into dist/media.
import * as esbuild from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const outdirAt = process.argv.indexOf('--outdir');
const outdir = outdirAt > 0 ? process.argv[outdirAt + 1] : join(root, 'dist/media');
if (!outdir) throw new Error('build-media: --outdir needs a folder');
const testPages = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--test-page' ? [a] : []));

const common = {
  bundle: true,
  platform: 'browser',
  format: 'esm',
  // VS Code 1.90's webviews run Chromium 122.
  target: 'chrome122',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

const entries = [
  { entryPoints: ['media/worklet/processor.ts'], outfile: join(outdir, 'worklet/processor.js') },
  { entryPoints: ['media/preview/main.ts'], outfile: join(outdir, 'preview/main.js') },
  ...testPages.map((name) => ({ entryPoints: [`test/browser/pages/${name}/main.ts`], outfile: join(outdir, `${name}/main.js`) })),
];

/** Static files copied as they are. */
const statics = [
  ['media/preview/preview.css', 'preview/preview.css'],
  ['media/preview/widgets.css', 'preview/widgets.css'],
  ...testPages.map((name) => [`test/browser/pages/${name}/index.html`, `${name}/index.html`]),
];

async function copyStatics() {
  for (const [from, to] of statics) {
    await mkdir(dirname(join(outdir, to)), { recursive: true });
    await copyFile(join(root, from), join(outdir, to));
  }
}

if (watch) {
  for (const e of entries) (await esbuild.context({ ...common, ...e })).watch();
  await copyStatics();
} else {
  await Promise.all([...entries.map((e) => esbuild.build({ ...common, ...e })), copyStatics()]);
}
