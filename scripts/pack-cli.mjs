// Packs the command line on its own as an npm package, for machines without
// VS Code (CI jobs that diff and render mixes):
//   node scripts/pack-cli.mjs [--out DIR]     ->  DIR/mixdown-cli-VERSION.tgz
// The package holds the bundled CLI and its render worker (the worker must
// sit beside cli.js), a README and the licence. Its only dependencies are
// the optional chart libraries of `diff --plots`, so
// `npm install -g --omit=optional mixdown-cli-VERSION.tgz` works offline.
// The extension's own package (`npm run package`) is separate.
import * as esbuild from 'esbuild';
import { PLOT_PACKAGES } from './plot-packages.mjs';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outAt = process.argv.indexOf('--out');
const out = resolve(outAt > 0 ? process.argv[outAt + 1] : root);
const stage = join(root, 'build', 'cli-package');
const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));

const esmRequireBanner = "import { createRequire as __mixdownCreateRequire } from 'node:module'; const require = __mixdownCreateRequire(import.meta.url);";
// The chart libraries of `diff --plots` are optional dependencies, at the versions the project uses.
const plotPackages = Object.fromEntries(PLOT_PACKAGES.map((name) => [name, manifest.devDependencies[name]]));
const common = { bundle: true, platform: 'node', target: 'node20', format: 'esm', minify: true, logLevel: 'warning', absWorkingDir: root, external: Object.keys(plotPackages) };

await rm(stage, { recursive: true, force: true });
await mkdir(stage, { recursive: true });
await Promise.all([
  esbuild.build({ ...common, entryPoints: ['cli/src/main.ts'], outfile: join(stage, 'cli.js'), banner: { js: '#!/usr/bin/env node\n' + esmRequireBanner } }),
  esbuild.build({ ...common, entryPoints: ['session/src/render-worker.ts'], outfile: join(stage, 'render-worker.js'), banner: { js: esmRequireBanner } }),
]);
await writeFile(join(stage, 'package.json'), JSON.stringify({
  name: 'mixdown-cli',
  version: manifest.version,
  description: 'The mixdown command line: check, format, render, meter and diff .mix sessions (mixing music as code).',
  license: manifest.license,
  type: 'module',
  bin: { mixdown: 'cli.js' },
  files: ['cli.js', 'render-worker.js'],
  optionalDependencies: plotPackages,
  engines: { node: '>=20' },
}, null, 2) + '\n');
await writeFile(join(stage, 'README.md'), `# mixdown-cli

The \`mixdown\` command line on its own, for machines without VS Code: a CI
job that checks, renders and diffs \`.mix\` sessions.

\`\`\`sh
npm install -g mixdown-cli-${manifest.version}.tgz
mixdown --help
mixdown diff HEAD~1:song.mix song.mix --format markdown
\`\`\`

Node 20 or later. \`mixdown diff --plots\` uses the optional dependencies
vega, vega-lite and @resvg/resvg-js; everything else needs nothing more
(\`npm install -g --omit=optional\` leaves them out). The commands are described in the
project's docs/cli.md, mix reviews in git in docs/git.md.
`);
await copyFile(join(root, 'LICENSE'), join(stage, 'LICENSE'));
await mkdir(out, { recursive: true });
const packed = execFileSync('npm', ['pack', '--pack-destination', out, '--silent'], { cwd: stage, encoding: 'utf8' }).trim().split('\n').pop();
console.log(join(out, packed));
