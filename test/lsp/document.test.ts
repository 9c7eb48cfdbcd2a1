/**
 * Whole-document features over a real connection: formatting, the outline,
 * folding, semantic tokens, the colour picker and inlay hints. Most use
 * test/fixtures/lsp/session.mix, a small session written for these tests.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FoldingRangeKind, InlayHintKind, SymbolKind, type DocumentSymbol, type SemanticTokensLegend } from 'vscode-languageserver-protocol';
import { applyEdits, codesOf, TestConnection, textAt } from './connection.js';

const SESSION = readFileSync(new URL('../fixtures/lsp/session.mix', import.meta.url), 'utf8');

let c: TestConnection;
beforeAll(async () => {
  c = await TestConnection.start();
});
afterAll(() => c.dispose());

describe('formatting', () => {
  const messy = [
    '# Late Bus',
    'title   "Late Bus"',
    'tempo 120 bpm;meter 4/4',
    'track kick{',
    'color "#e06c75"',
    '    file "stems/kick.wav"   # the inside mic',
    '  eq { highpass 30 Hz; bell 60 Hz +2 dB q 1.2 }',
    ' gain   -1.5 dB',
    '  pan -10 %',
    '  to drums }',
    '',
    '',
    '',
    'bus drums {',
    '}',
    'master { limit { ceiling -1 dBTP } }',
  ].join('\n');

  const canonical = [
    '# Late Bus',
    'title "Late Bus"',
    'tempo 120 bpm',
    'meter 4/4',
    'track kick {',
    '  color "#e06c75"',
    '  file "stems/kick.wav" # the inside mic',
    '  eq {',
    '    highpass 30 Hz',
    '    bell 60 Hz +2 dB q 1.2',
    '  }',
    '  gain -1.5 dB',
    '  pan -10%',
    '  to drums',
    '}',
    '',
    'bus drums {}',
    'master {',
    '  limit {',
    '    ceiling -1 dBTP',
    '  }',
    '}',
    '',
  ].join('\n');

  it('the edits turn a messy file into the canonical text', async () => {
    const edits = await c.formattingEdits(messy);
    expect(edits.length).toBeGreaterThan(0);
    expect(applyEdits(messy, edits)).toBe(canonical);
  });

  it('a canonical file gets no edits; formatting twice changes nothing more', async () => {
    expect(await c.formattingEdits(canonical)).toEqual([]);
    const once = applyEdits(SESSION, await c.formattingEdits(SESSION));
    expect(once).not.toBe(SESSION); // the fixture has one-line blocks, which the canonical layout opens up
    expect(once).toContain('bus comp {\n  comp {\n    threshold -30 dB\n    ratio 8:1\n  }\n}\n');
    expect(await c.formattingEdits(once)).toEqual([]);
  });

  it('a file with syntax errors gets no edits (nothing is guessed, nothing lost)', async () => {
    const broken = 'track kick{\n    file "stems/kick.wav"\n  gain -1.5 dB dB\n}\n';
    await c.withDoc(broken, async (doc) => {
      expect(codesOf(doc.diagnostics)).toContain('syntax');
      expect(await c.client.formatting(doc.uri)).toEqual([]);
    });
    const unclosed = 'track kick{\n    file "stems/kick.wav"\n';
    expect(await c.formattingEdits(unclosed)).toEqual([]);
  });

  it('formats the text as edited, not as opened', async () => {
    const uri = c.uri();
    await c.client.open(uri, canonical);
    await c.client.replace(uri, messy);
    expect(applyEdits(messy, await c.client.formatting(uri))).toBe(canonical);
    await c.client.close(uri);
  });
});

describe('outline', () => {
  const strip = (s: DocumentSymbol): unknown => ({
    name: s.name,
    kind: s.kind,
    ...(s.children && s.children.length > 0 ? { children: s.children.map(strip) } : {}),
  });

  it('channels with their processors as children, processors with their settings', async () => {
    await c.withDoc(SESSION, async (doc) => {
      const symbols = (await c.client.documentSymbols(doc.uri)) as DocumentSymbol[];
      expect(symbols.every((s) => 'range' in s && 'selectionRange' in s)).toBe(true);
      const channels = symbols.filter((s) => [SymbolKind.Class, SymbolKind.Interface, SymbolKind.Module].includes(s.kind as never));
      expect(channels.map(strip)).toEqual([
        {
          name: 'kick',
          kind: SymbolKind.Class,
          children: [
            { name: 'eq', kind: SymbolKind.Function, children: [{ name: 'highpass 30 Hz', kind: SymbolKind.Property }, { name: 'bell 60 Hz +2 dB q 1.2', kind: SymbolKind.Property }] },
            { name: 'comp', kind: SymbolKind.Function, children: [{ name: 'threshold -12 dB', kind: SymbolKind.Property }, { name: 'ratio 4:1', kind: SymbolKind.Property }] },
          ],
        },
        { name: 'vox', kind: SymbolKind.Class },
        { name: 'drums', kind: SymbolKind.Interface },
        { name: 'comp', kind: SymbolKind.Interface, children: [{ name: 'comp', kind: SymbolKind.Function, children: [{ name: 'threshold -30 dB', kind: SymbolKind.Property }, { name: 'ratio 8:1', kind: SymbolKind.Property }] }] },
        { name: 'master', kind: SymbolKind.Module, children: [{ name: 'limit', kind: SymbolKind.Function, children: [{ name: 'ceiling -1 dBTP', kind: SymbolKind.Property }] }] },
      ]);
    });
  });

  it('a named processor shows its name, selected; its named bands are its children', async () => {
    await c.withDoc('track vox {\n  file "v.wav"\n  eq tone {\n    bell presence 3 kHz +2 dB\n  }\n}\n', async (doc) => {
      const symbols = (await c.client.documentSymbols(doc.uri)) as DocumentSymbol[];
      const eq = symbols.find((s) => s.name === 'vox')!.children![0]!;
      expect(strip(eq)).toEqual({ name: 'eq tone', kind: SymbolKind.Function, children: [{ name: 'bell presence 3 kHz +2 dB', kind: SymbolKind.Property }] });
      expect(textAt(doc.text, eq.selectionRange)).toBe('tone');
    });
  });

  it('markers are events; a channel\'s range is its block and its selection its name; the label is the detail', async () => {
    await c.withDoc(SESSION, async (doc) => {
      const symbols = (await c.client.documentSymbols(doc.uri)) as DocumentSymbol[];
      expect(symbols.filter((s) => s.kind === SymbolKind.Event).map((s) => s.name)).toEqual(['verse', 'chorus']);
      const vox = symbols.find((s) => s.name === 'vox')!;
      expect(textAt(doc.text, vox.selectionRange)).toBe('vox');
      expect(textAt(doc.text, vox.range)).toMatch(/^track vox \{[\s\S]*send comp -8 dB\n\}$/);
      expect(vox.detail).toBe('track · Lead vocal');
      const kick = symbols.find((s) => s.name === 'kick')!;
      const eq = kick.children![0]!;
      expect(textAt(doc.text, eq.range)).toBe('eq {\n    highpass 30 Hz\n    bell 60 Hz +2 dB q 1.2\n  }');
      expect(textAt(doc.text, eq.selectionRange)).toBe('eq');
    });
  });
});

describe('folding', () => {
  it('every multi-line block folds, leaving its closing brace visible; a run of comments folds', async () => {
    await c.withDoc(SESSION, async (doc) => {
      const ranges = await c.client.foldingRanges(doc.uri);
      const blocks = ranges.filter((r) => r.kind !== FoldingRangeKind.Comment).map((r) => [r.startLine, r.endLine]);
      expect(blocks.sort((a, b) => a[0]! - b[0]!)).toEqual([
        [8, 19], // track kick { … }
        [11, 13], // eq
        [15, 17], // comp
        [22, 27], // track vox
        [30, 31], // bus drums
        [34, 35], // bus comp (its one-line comp does not fold)
        [38, 40], // master (its one-line limit does not fold)
      ]);
      expect(ranges.filter((r) => r.kind === FoldingRangeKind.Comment).map((r) => [r.startLine, r.endLine])).toEqual([[0, 1]]);
    });
  });
});

describe('semantic tokens', () => {
  interface Decoded { line: number; char: number; length: number; type: string; modifiers: string[]; text: string }

  /** The server's tokens for the open document `uri` whose text is `text`, decoded with the announced legend. */
  async function tokensOf(uri: string, text: string): Promise<Decoded[]> {
    const legend = c.client.initializeResult!.capabilities.semanticTokensProvider!.legend as SemanticTokensLegend;
    const { data } = await c.client.semanticTokens(uri);
    expect(data.length % 5).toBe(0);
    const lines = text.split('\n');
    const out: Decoded[] = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < data.length; i += 5) {
      const [dLine, dChar, length, type, mods] = data.slice(i, i + 5) as [number, number, number, number, number];
      line += dLine;
      char = dLine === 0 ? char + dChar : dChar;
      out.push({
        line,
        char,
        length,
        type: legend.tokenTypes[type]!,
        modifiers: legend.tokenModifiers.filter((_, bit) => mods & (1 << bit)),
        text: lines[line]!.slice(char, char + length),
      });
    }
    return out;
  }

  const decode = (text: string) => c.withDoc(text, (doc) => tokensOf(doc.uri, doc.text));

  const at = (tokens: Decoded[], line: number, char: number) => tokens.find((t) => t.line === line && t.char === char);

  it('a bus named `comp` is a name where it is defined and used, and `comp {` is still a processor', async () => {
    const tokens = await decode(SESSION);
    expect(at(tokens, 34, 4)).toMatchObject({ text: 'comp', type: 'interface', modifiers: ['declaration'] }); // bus comp {
    expect(at(tokens, 27, 7)).toMatchObject({ text: 'comp', type: 'interface', modifiers: [] }); // send comp -8 dB
    expect(at(tokens, 35, 2)).toMatchObject({ text: 'comp', type: 'function' }); // comp { … } inside bus comp
    expect(at(tokens, 15, 2)).toMatchObject({ text: 'comp', type: 'function' }); // comp { in track kick
  });

  it('names of processors and bands are declared there; the processor and band keywords stay what they are', async () => {
    const tokens = await decode('track vox {\n  file "v.wav"\n  eq tone {\n    bell presence 3 kHz +2 dB\n  }\n}\n');
    expect(at(tokens, 2, 2)).toMatchObject({ text: 'eq', type: 'function' });
    expect(at(tokens, 2, 5)).toMatchObject({ text: 'tone', type: 'method', modifiers: ['declaration'] });
    expect(at(tokens, 3, 4)).toMatchObject({ text: 'bell', type: 'function' });
    expect(at(tokens, 3, 9)).toMatchObject({ text: 'presence', type: 'enumMember', modifiers: ['declaration'] });
  });

  it('names by kind, keywords, numbers, units and strings', async () => {
    const tokens = await decode(SESSION);
    expect(at(tokens, 8, 0)).toMatchObject({ text: 'track', type: 'keyword' });
    expect(at(tokens, 8, 6)).toMatchObject({ text: 'kick', type: 'class', modifiers: ['declaration'] });
    expect(at(tokens, 19, 5)).toMatchObject({ text: 'drums', type: 'interface', modifiers: [] });
    expect(at(tokens, 5, 7)).toMatchObject({ text: 'verse', type: 'event', modifiers: ['declaration'] });
    expect(at(tokens, 25, 28)).toMatchObject({ text: 'chorus', type: 'event', modifiers: [] });
    expect(at(tokens, 16, 4)).toMatchObject({ text: 'threshold', type: 'property' });
    expect(at(tokens, 16, 14)).toMatchObject({ text: '-12', type: 'number' });
    expect(at(tokens, 16, 18)).toMatchObject({ text: 'dB', type: 'type' });
    expect(at(tokens, 10, 7)).toMatchObject({ text: '"stems/kick.wav"', type: 'string' });
    expect(at(tokens, 38, 0)).toMatchObject({ text: 'master', type: 'keyword' });
    // Comments are left to the TextMate grammar.
    expect(tokens.some((t) => t.line === 0)).toBe(false);
  });

  it('follows edits', async () => {
    const uri = c.uri();
    const before = 'bus comp {}\ntrack a {\n  file "a.wav"\n  to comp\n}\n';
    await c.client.open(uri, before);
    expect(at(await tokensOf(uri, before), 3, 5)).toMatchObject({ text: 'comp', type: 'interface' });
    // The bus is renamed by hand and `to comp` becomes a compressor block.
    const after = 'bus verb {}\ntrack a {\n  file "a.wav"\n  comp {}\n  to verb\n}\n';
    await c.client.replace(uri, after);
    const tokens = await tokensOf(uri, after);
    expect(at(tokens, 0, 4)).toMatchObject({ text: 'verb', type: 'interface', modifiers: ['declaration'] });
    expect(at(tokens, 3, 2)).toMatchObject({ text: 'comp', type: 'function' });
    expect(at(tokens, 4, 5)).toMatchObject({ text: 'verb', type: 'interface', modifiers: [] });
    await c.client.close(uri);
  });
});

describe('colours', () => {
  it('each `color "#rrggbb"` is a colour, in any letter case', async () => {
    await c.withDoc(SESSION, async (doc) => {
      const colors = await c.client.documentColors(doc.uri);
      expect(colors.map((x) => textAt(doc.text, x.range))).toEqual(['"#e06c75"', '"#61AFEF"']);
      const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;
      const [kick, vox] = colors;
      expect(close(kick!.color.red, 0xe0 / 255) && close(kick!.color.green, 0x6c / 255) && close(kick!.color.blue, 0x75 / 255)).toBe(true);
      expect(close(vox!.color.red, 0x61 / 255) && close(vox!.color.green, 0xaf / 255) && close(vox!.color.blue, 0xef / 255)).toBe(true);
      expect(kick!.color.alpha).toBe(1);
    });
  });

  it('a malformed colour is not offered to the picker', async () => {
    await c.withDoc('track a {\n  file "a.wav"\n  color "#e06c7"\n}\ntrack b {\n  file "b.wav"\n  color "red"\n}\n', async (doc) => {
      expect(await c.client.documentColors(doc.uri)).toEqual([]);
    });
  });

  it('a colour picked is written back as "#rrggbb"', async () => {
    await c.withDoc(SESSION, async (doc) => {
      const [kick] = await c.client.documentColors(doc.uri);
      const presentations = await c.client.colorPresentations(doc.uri, { red: 1, green: 0.5, blue: 0, alpha: 1 }, kick!.range);
      expect(presentations[0]!.label).toBe('"#ff8000"');
      const text = applyEdits(doc.text, [presentations[0]!.textEdit!]);
      expect(text.split('\n')[9]).toBe('  color "#ff8000"');
    });
  });
});

describe('inlay hints', () => {
  const whole = { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } };

  it('`bar 17` at 120 bpm shows `= 0:32` right after it', async () => {
    await c.withDoc('tempo 120 bpm\nmarker chorus bar 17\n', async (doc) => {
      const hints = await c.client.inlayHints(doc.uri, whole);
      expect(hints).toHaveLength(1);
      expect(hints[0]!.label).toBe('= 0:32');
      expect(hints[0]!.position).toEqual({ line: 1, character: 20 });
      expect(hints[0]!.kind).toBe(InlayHintKind.Type);
    });
  });

  it('bar and beat times, and markers used as times, in the requested range only', async () => {
    await c.withDoc(SESSION, async (doc) => {
      const all = await c.client.inlayHints(doc.uri, whole);
      // verse: bar 9 = 16 s; chorus: bar 17 beat 3 = 33 s (and twice where clips name it)
      expect(all.map((h) => [h.position.line, h.label])).toEqual([
        [5, '= 0:16'],
        [6, '= 0:33'],
        [25, '= 0:33'],
        [26, '= 0:33'],
      ]);
      const clipsOnly = await c.client.inlayHints(doc.uri, { start: { line: 22, character: 0 }, end: { line: 28, character: 0 } });
      expect(clipsOnly.map((h) => h.position.line)).toEqual([25, 26]);
    });
  });

  it('none without a tempo (bar times are then errors)', async () => {
    await c.withDoc('marker chorus bar 17\n', async (doc) => {
      expect(codesOf(doc.diagnostics)).toContain('bar-without-tempo');
      expect(await c.client.inlayHints(doc.uri, whole)).toEqual([]);
    });
  });

  it('none for clock times, which need no translation', async () => {
    await c.withDoc('tempo 120 bpm\nmarker outro 2:50\nlength 3:30\n', async (doc) => {
      expect(await c.client.inlayHints(doc.uri, whole)).toEqual([]);
    });
  });
});
