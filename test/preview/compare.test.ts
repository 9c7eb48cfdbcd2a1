/**
 * What "Mix: Compare with HEAD" writes beside the editor
 * (client/src/compare/describe.ts): the semantic diff of HEAD's text
 * against the editor's, with both sides named, whatever the formatting.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeComparison } from '../../client/src/compare/describe.js';
import { formatChangesText } from '../../grammar/src/index.js';

const EXAMPLE = readFileSync(join(import.meta.dirname, '../../examples/night-drive/night-drive.mix'), 'utf8');
const HEAD = { label: 'HEAD (1a2b3c4)', text: EXAMPLE };
const working = (text: string) => ({ label: 'working copy (unsaved)', text });

describe('the Compare with HEAD document', () => {
  it('names both sides, then lists each change as `mixdown diff` does', () => {
    const edited = EXAMPLE.replace('track kick {\n', 'track kick {\n  pan -20%\n').replace('ceiling -1 dBTP', 'ceiling -0.5 dBTP');
    const text = describeComparison(HEAD, working(edited), 'night-drive.mix');
    const lines = text.split('\n');
    expect(lines[0]).toBe('night-drive.mix: HEAD (1a2b3c4) -> working copy (unsaved)');
    expect(text).toContain('~ track kick: pan 0% -> -20%\n');
    expect(text).toMatch(/~ master: limit: ceiling -1 dBTP -> -0\.5 dBTP\n/);
    expect(text).toContain('2 changes.');
    expect(text).not.toContain('error');
  });

  it('shows no change for formatting, comments and a default written out', () => {
    const reformatted = EXAMPLE.replace(/\n {2}/g, '\n    ').replace('master {\n', '# the master bus\nmaster {\n  gain 0 dB\n');
    expect(reformatted).not.toBe(EXAMPLE);
    const text = describeComparison(HEAD, working(reformatted), 'night-drive.mix');
    expect(text).toContain(formatChangesText([]));
    expect(text).toContain('Formatting and comments are never changes');
  });

  it('still shows what it can when the working copy has errors, and says where the first one is', () => {
    const lines = EXAMPLE.split('\n');
    const at = lines.indexOf('master {');
    lines.splice(at + 1, 0, '  gian -3 dB', '  gain -2 dB');
    const text = describeComparison(HEAD, working(lines.join('\n')), 'night-drive.mix');
    expect(text).toMatch(new RegExp(`^! working copy \\(unsaved\\) has 1 error \\(line ${at + 2}: .*\\); the changes below are what could be read$`, 'm'));
    expect(text).toContain('~ master: gain 0 dB -> -2 dB\n');
  });
});

describe('where Compare with HEAD is offered (package.json)', () => {
  const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
    contributes: { commands: { command: string; title: string; category: string }[]; menus: Record<string, { command: string; when?: string }[]> };
  };
  const entry = (menu: string) => manifest.contributes.menus[menu]?.find((m) => m.command === 'mixdown.compareWithHead');

  it('is "Mix: Compare with HEAD", in the editor title of a mix file, the Source Control view of a changed .mix file, and the palette', () => {
    expect(manifest.contributes.commands.find((c) => c.command === 'mixdown.compareWithHead')).toMatchObject({ title: 'Compare with HEAD', category: 'Mix' });
    expect(entry('editor/title')?.when).toMatch(/resourceLangId == mix/);
    expect(entry('scm/resourceState/context')?.when).toBe('scmProvider == git && resourceExtname == .mix');
    expect(entry('commandPalette')?.when).toBe('resourceLangId == mix');
  });
});
