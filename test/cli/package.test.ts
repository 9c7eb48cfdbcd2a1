/**
 * `npm run package` builds an installable .vsix with @vscode/vsce: the
 * bundles, grammar and manifest the extension needs, and nothing else.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const out = mkdtempSync(join(tmpdir(), 'mixdown-vsix-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the .vsix', () => {
  it('holds the extension, its server, CLI, grammar and worklet, and no sources or dependencies', () => {
    const vsix = join(out, 'mixdown.vsix');
    execFileSync('npx', ['vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', vsix], { stdio: 'pipe' });
    const listing = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const f of [
      'extension/package.json', 'extension/dist/client.cjs', 'extension/dist/server.js', 'extension/dist/cli.js',
      'extension/dist/render-worker.js', 'extension/dist/media/worklet/processor.js',
      'extension/dist/media/preview/main.js', 'extension/dist/media/preview/preview.css', 'extension/dist/media/preview/widgets.css', 'extension/dist/preview-analysis.js', 'extension/syntaxes/mix.tmLanguage.json',
      'extension/language-configuration.json', 'extension/media/mix-file.svg', 'extension/examples/night-drive/night-drive.mix',
    ]) expect(listing).toContain(f);
    expect(listing.filter((f) => f.includes('node_modules/') || f.endsWith('.ts') || f.includes('/test/'))).toEqual([]);
    const manifest = JSON.parse(execFileSync('unzip', ['-p', vsix, 'extension/package.json'], { encoding: 'utf8' })) as {
      main: string; contributes: { languages: { id: string; extensions: string[] }[]; grammars: { path: string }[] };
    };
    expect(manifest.main).toBe('./dist/client.cjs');
    expect(manifest.contributes.languages[0]).toMatchObject({ id: 'mix', extensions: ['.mix'] });
    expect(listing).toContain(`extension/${manifest.contributes.grammars[0]!.path.replace('./', '')}`);
  }, 120_000);
});
