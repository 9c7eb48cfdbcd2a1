/**
 * Automation lanes in the editor, over a real connection (language.md §4.8):
 * completion of targets and of points, hover on a target and on a point,
 * lanes in the outline, the quick fix that sorts a lane's points, semantic
 * tokens of a target, and renaming a part a target names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompletionItemKind, InsertTextFormat, SymbolKind, type CompletionItem, type DocumentSymbol, type SemanticTokensLegend,
} from 'vscode-languageserver-protocol';
import { check } from '../../grammar/src/index.js';
import { applyEdits, codesOf, cursorOf, editsFor, TestConnection, textAt } from './connection.js';

let c: TestConnection;
beforeAll(async () => {
  c = await TestConnection.start();
});
afterAll(() => c.dispose());

/** A session whose track vox has a lane (or anything else) where `LANE` is; `MASTER` goes in master. */
const session = (lane: string, master = '') => [
  'tempo 120 bpm',
  'marker verse bar 9',
  'marker chorus bar 17',
  'track vox {',
  '  file "v.wav"',
  '  gain -2 dB',
  '  send verb -20 dB',
  '  eq tone {',
  '    bell presence 3 kHz +2 dB',
  '    highpass lowcut 80 Hz slope 24 dB/oct',
  '  }',
  '  comp glue { threshold -18 dB; ratio 3:1 }',
  '  comp { threshold -10 dB }',
  '  limit { ceiling -1 dBFS }',
  `  ${lane}`,
  '}',
  'bus verb {}',
  'master {',
  `  ${master}`,
  '}',
  '',
].join('\n');

/** Codes other than those of the missing audio files of these examples. */
const relevant = (codes: string[]) => codes.filter((x) => x !== 'audio-missing');

const COMP_PARAMS = ['threshold', 'ratio', 'knee', 'attack', 'release', 'makeup', 'mix'];

describe('completion after `automate`', () => {
  it('offers what the channel can move: its settings, sends, named bands and processors by name, unnamed ones as TYPE#N', async () => {
    await c.expectCompletion(session('automate <|>'), {
      exactly: [
        'gain', 'pan', 'trim', 'mute', 'send verb',
        'presence.freq', 'presence.gain', 'presence.q', 'lowcut.freq',
        ...COMP_PARAMS.map((p) => `glue.${p}`),
        ...COMP_PARAMS.map((p) => `comp#2.${p}`),
        'limit#1.ceiling', 'limit#1.release',
      ],
    });
  });

  it('leaves out what cannot move: trim auto, mute in master, an EQ as a whole, a limiter\'s look-ahead, a side-chain', async () => {
    const items = await c.expectCompletion(session('trim auto -18 dBFS\n  automate <|>'), { includes: ['gain', 'mute'], excludes: ['trim'] });
    const labels = items.map((i) => i.label);
    for (const never of ['tone.freq', 'eq#1.freq', 'limit#1.lookahead', 'glue.sidechain', 'lowcut.gain', 'lowcut.q']) expect(labels).not.toContain(never);
    await c.expectCompletion(session('', 'automate <|>'), { exactly: ['gain', 'pan', 'trim'] });
  });

  it('each target says its unit and range', async () => {
    const { items } = await c.completion(session('automate <|>'));
    const detail = (label: string) => items.find((i) => i.label === label)?.detail;
    expect(detail('gain')).toBe('dB · -inf – +24 dB');
    expect(detail('pan')).toBe('% · -100% – +100%');
    expect(detail('send verb')).toBe('dB · -inf – +24 dB');
    expect(detail('mute')).toBe('on or off');
    expect(detail('glue.threshold')).toBe('dB · -60 – 0 dB');
    expect(detail('glue.attack')).toBe('ms or s · 0.05 – 1000 ms');
    expect(detail('glue.mix')).toBe('% · 0 – 100%');
    expect(detail('presence.freq')).toBe('Hz or kHz · 10 – 23520 Hz');
    expect(detail('presence.gain')).toBe('dB · -30 – +30 dB');
    expect(detail('limit#1.ceiling')).toBe('dBFS · -20 – 0 dBFS');
    const threshold = items.find((i) => i.label === 'glue.threshold')!;
    expect(JSON.stringify(threshold.documentation)).toContain('threshold of comp glue');
    expect(threshold.kind).toBe(CompletionItemKind.Property);
  });

  it('inserts the target with a block to write the points in, unless the `{` is already there', async () => {
    const { items } = await c.completion(session('automate <|>'));
    const gain = items.find((i) => i.label === 'gain')!;
    expect(gain.insertTextFormat).toBe(InsertTextFormat.Snippet);
    expect(gain.textEdit?.newText).toBe('gain {\n\t$0\n}');
    const typed = await c.completion(session('automate gl<|> { verse -18 dB }'));
    const threshold = typed.items.find((i) => i.label === 'glue.threshold')!;
    expect(threshold.textEdit?.newText).toBe('glue.threshold');
    expect(await c.acceptCompletion(session('automate gl<|> { verse -18 dB }'), 'glue.threshold')).toBe(session('automate glue.threshold { verse -18 dB }'));
  });

  it('after `NAME.` the part\'s automatable parameters; after `TYPE#N.` those of that processor; none for an EQ', async () => {
    await c.expectCompletion(session('automate glue.<|>'), { exactly: COMP_PARAMS });
    await c.expectCompletion(session('automate presence.<|>'), { exactly: ['freq', 'gain', 'q'] });
    await c.expectCompletion(session('automate lowcut.<|>'), { exactly: ['freq'] });
    await c.expectCompletion(session('automate comp#2.<|>'), { exactly: COMP_PARAMS });
    await c.expectCompletion(session('automate limit#1.<|>'), { exactly: ['ceiling', 'release'] });
    await c.expectCompletion(session('automate tone.<|>'), { exactly: [] });
    expect(await c.acceptCompletion(session('automate glue.thr<|> { verse -18 dB }'), 'threshold')).toBe(session('automate glue.threshold { verse -18 dB }'));
  });

  it('`.` triggers completion after a part\'s name, and nowhere else', async () => {
    const dot = await c.completion(session('automate glue.<|>'), '.');
    expect(dot.items.map((i) => i.label)).toContain('threshold');
    const number = await c.completion(session('gain -2.<|>'), '.');
    expect(number.items).toEqual([]);
  });

  it('after `automate send` the channel\'s sends', async () => {
    await c.expectCompletion(session('automate send <|>'), { exactly: ['verb'] });
  });
});

describe('completion inside a lane', () => {
  const labels = (items: CompletionItem[]) => items.map((i) => i.label);

  it('at the start of a point: the markers, and `bar`', async () => {
    const items = await c.expectCompletion(session('automate gain {\n    bar 1 -2 dB\n    <|>\n  }'), { exactly: ['verse', 'chorus', 'bar'] });
    expect(items.find((i) => i.label === 'verse')!.detail).toBe('marker at 0:16.000');
    // In a one-line lane after `;`, and while a marker's name is typed.
    await c.expectCompletion(session('automate gain { bar 1 -2 dB; <|> }'), { exactly: ['verse', 'chorus', 'bar'] });
    expect(await c.acceptCompletion(session('automate gain {\n    cho<|>\n  }'), 'chorus')).toBe(session('automate gain {\n    chorus\n  }'));
  });

  it('after a time: a value in the target\'s unit, from its setting', async () => {
    const at = (lane: string) => c.completion(session(`automate ${lane} {\n    verse <|>\n  }`));
    expect(labels((await at('gain')).items)).toEqual(['-2 dB']);
    expect(labels((await at('pan')).items)).toEqual(['0%']);
    expect(labels((await at('send verb')).items)).toEqual(['-20 dB']);
    expect(labels((await at('presence.freq')).items)).toEqual(['3000 Hz', '3 kHz']);
    expect(labels((await at('glue.attack')).items)).toEqual(['10 ms', '0.01 s']);
    expect(labels((await at('glue.ratio')).items)).toEqual(['3:1', 'inf']);
    expect(labels((await at('mute')).items)).toEqual(['on', 'off']);
    const gain = (await at('gain')).items[0]!;
    expect(gain.insertTextFormat).toBe(InsertTextFormat.Snippet);
    expect(gain.textEdit?.newText).toBe('${1:-2} dB');
    expect(gain.detail).toBe('gain: -inf – +24 dB');
  });

  it('after `bar N`: a value, or `beat`', async () => {
    await c.expectCompletion(session('automate pan {\n    bar 9 <|>\n  }'), { exactly: ['0%', 'beat'] });
  });

  it('after a number: the target\'s units', async () => {
    expect(await c.acceptCompletion(session('automate gain {\n    bar 9 -3<|>\n  }'), 'dB')).toBe(session('automate gain {\n    bar 9 -3 dB\n  }'));
    await c.expectCompletion(session('automate presence.freq {\n    bar 9 2<|>\n  }'), { exactly: ['Hz', 'kHz'] });
    expect(await c.acceptCompletion(session('automate pan {\n    bar 9 -30<|>\n  }'), '%')).toBe(session('automate pan {\n    bar 9 -30%\n  }'));
  });

  it('after a value: the shapes of the segment that follows; none for mute', async () => {
    await c.expectCompletion(session('automate gain {\n    bar 9 -3 dB <|>\n  }'), { exactly: ['linear', 'hold', 'smooth'] });
    await c.expectCompletion(session('automate glue.ratio {\n    bar 9 4:1 <|>\n  }'), { exactly: ['linear', 'hold', 'smooth'] });
    await c.expectCompletion(session('automate gain { bar 1 -2 dB sm<|> }'), { exactly: ['linear', 'hold', 'smooth'] });
    await c.expectCompletion(session('automate mute {\n    bar 9 on <|>\n  }'), { exactly: [] });
    await c.expectCompletion(session('automate gain {\n    bar 9 -3 dB hold <|>\n  }'), { exactly: [] });
  });

  it('the channel\'s statement keywords are not offered inside a lane, and `automate` is offered in the channel', async () => {
    const items = await c.completion(session('automate gain {\n    <|>\n  }'));
    expect(labels(items.items)).not.toContain('gain');
    await c.expectCompletion(session('<|>'), { includes: ['automate'] });
  });
});

describe('hover in a lane', () => {
  const lane = [
    'automate gain {',
    '    bar 1 -2 dB',
    '    verse 0 dB hold   # up for the verse',
    '    bar 13 +1 dB smooth',
    '    chorus -inf dB',
    '  }',
  ].join('\n');

  it('on a point: its clock time and bar, its value and the segment after it', async () => {
    const text = await c.expectHover(session(lane.replace('verse 0', 've<|>rse 0')), '**Time:** 0:16.000 (bar 9.1)');
    expect(text).toContain('**Value:** 0 dB');
    expect(text).toContain('`hold`: holds, then steps to +1 dB at 0:24.000');
    expect(text).toContain('`automate gain` in track vox');
  });

  it('anywhere on the point\'s line, the comment included; the range is the point', async () => {
    for (const at of ['    <|>verse', 'hold <|>  #', '# up for<|> the']) {
      const marked = session(lane.replace(at.replace('<|>', ''), at));
      await c.expectHover(marked, '**Time:** 0:16.000 (bar 9.1)');
    }
    await c.withDoc(session(lane.replace('bar 13', 'bar <|>13')), async (doc) => {
      const h = await c.client.hover(doc.uri, cursorOf(doc));
      expect(textAt(doc.text, h!.range!)).toBe('bar 13 +1 dB smooth');
    });
  });

  it('the shape of each segment, and after the last point its value holds', async () => {
    expect(await c.hoverText(session(lane.replace('bar 1 -2', 'b<|>ar 1 -2')))).toContain('`linear`: a straight line in dB to 0 dB at 0:16.000');
    expect(await c.hoverText(session(lane.replace('bar 13', 'bar 1<|>3')))).toContain('`smooth`: an S-curve to -inf dB at 0:32.000');
    const last = await c.expectHover(session(lane.replace('chorus -inf', 'chorus -in<|>f')), '**Time:** 0:32.000 (bar 17.1)');
    expect(last).toContain('**Value:** -inf dB');
    expect(last).toContain('the last point: -inf dB holds to the end');
  });

  it('a point between beats, a time without a tempo, a frequency, a switch', async () => {
    await c.expectHover(session('automate pan { 0:01.25 -20%<|> }'), '**Time:** 0:01.250 (bar 1.3.50)');
    const noTempo = await c.expectHover('track vox {\n  file "v.wav"\n  automate pan { 0:30 +20%<|> }\n}\n', '**Time:** 0:30.000');
    expect(noTempo).not.toContain('bar');
    expect(noTempo).toContain('**Value:** +20%');
    await c.expectHover(session('automate presence.freq { verse 3.2 kHz<|>; chorus 800 Hz }'), '**Value:** 3.2 kHz');
    await c.expectHover(session('automate presence.freq { verse 3.2 kHz; chorus 800<|> Hz }'), '**Value:** 800 Hz');
    const mute = await c.expectHover(session('automate mute { verse on<|>; chorus off }'), '**Value:** on (muted)');
    expect(mute).toContain('switches off');
  });

  it('points out of order: each point is described by its own time, and the next in time order', async () => {
    const text = await c.expectHover(session('automate gain { chorus -4 dB; ver<|>se -1 dB }'), '**Time:** 0:16.000');
    expect(text).toContain('**Value:** -1 dB');
    expect(text).toContain('to -4 dB at 0:32.000');
  });

  it('on the target: what it moves, its unit and range, its points and their values', async () => {
    const text = await c.expectHover(session(lane.replace('automate gain', 'automate ga<|>in')), 'moves the fader');
    expect(text).toContain('-inf – +24 dB');
    expect(text).toContain('**4 points** from 0:00.000 to 0:32.000; values -inf dB to +1 dB');
    const glue = await c.expectHover(session('automate gl<|>ue.threshold { verse -18 dB; chorus -22 dB }'), 'moves threshold of comp glue');
    expect(glue).toContain('-60 – 0 dB');
    expect(glue).toContain('**2 points** from 0:16.000 to 0:32.000; values -22 dB to -18 dB');
    await c.expectHover(session('automate comp#2.rat<|>io { verse 3:1; chorus inf }'), 'values 3:1 to inf');
    await c.withDoc(session('automate glue.thr<|>eshold { verse -18 dB }'), async (doc) => {
      const h = await c.client.hover(doc.uri, cursorOf(doc));
      expect(textAt(doc.text, h!.range!)).toBe('glue.threshold');
    });
  });
});

describe('outline', () => {
  it('each lane is a child of its channel, named by its target, with its number of points', async () => {
    const text = session('automate gain { bar 1 -2 dB; verse 0 dB }\n  automate glue.threshold {\n    verse -18 dB\n  }', 'automate comp#1.ratio { verse 2:1 }');
    await c.withDoc(text, async (doc) => {
      const symbols = (await c.client.documentSymbols(doc.uri)) as DocumentSymbol[];
      const lanes = (name: string) => symbols.find((s) => s.name === name)!.children!.filter((x) => x.name.startsWith('automate'));
      expect(lanes('vox').map((s) => [s.name, s.detail, s.kind])).toEqual([
        ['automate gain', '2 points', SymbolKind.Field],
        ['automate glue.threshold', '1 point', SymbolKind.Field],
      ]);
      expect(textAt(doc.text, lanes('vox')[1]!.selectionRange)).toBe('glue.threshold');
      expect(textAt(doc.text, lanes('vox')[1]!.range)).toBe('automate glue.threshold {\n    verse -18 dB\n  }');
      // Processors stay children too, in written order before the lanes written after them.
      expect(symbols.find((s) => s.name === 'vox')!.children!.map((s) => s.name)).toEqual(['eq tone', 'comp glue', 'comp', 'limit', 'automate gain', 'automate glue.threshold']);
      // master has no comp: the lane is still listed, by what is written.
      expect(lanes('master').map((s) => s.name)).toEqual(['automate comp#1.ratio']);
    });
  });

  it('a multi-line lane folds', async () => {
    await c.withDoc(session('automate gain {\n    bar 1 -2 dB\n    verse 0 dB\n  }'), async (doc) => {
      const ranges = await c.client.foldingRanges(doc.uri);
      expect(ranges.map((r) => [r.startLine, r.endLine])).toContainEqual([14, 16]);
    });
  });
});

describe('quick fix: sort points by time', () => {
  it('sorts a multi-line lane, keeping each point\'s text and its comments', async () => {
    const before = session([
      'automate gain { # the ride',
      '    # lift into the hook',
      '    bar 13 +1 dB hold   # peak',
      '    bar 1 -2 dB',
      '    chorus -1 dB; verse 0 dB',
      '    # end',
      '  }',
    ].join('\n'));
    const { text, diagnostics, action } = await c.applyQuickFix(before, 'points-out-of-order', 'Sort points by time');
    expect(action.isPreferred).toBe(true);
    expect(text).toBe(session([
      'automate gain { # the ride',
      '    bar 1 -2 dB',
      '    verse 0 dB',
      '    # lift into the hook',
      '    bar 13 +1 dB hold # peak',
      '    chorus -1 dB',
      '    # end',
      '  }',
    ].join('\n')));
    expect(relevant(codesOf(diagnostics))).toEqual([]);
  });

  it('a one-line lane becomes one point a line, indented one level deeper', async () => {
    const { text, diagnostics } = await c.applyQuickFix(session('automate pan { 0:30 +20%; 0:00 -20% smooth }'), 'points-out-of-order', 'Sort points by time');
    expect(text).toBe(session('automate pan {\n    0:00 -20% smooth\n    0:30 +20%\n  }'));
    expect(relevant(codesOf(diagnostics))).toEqual([]);
  });

  it('the sorted lane parses, checks without the problem and has the same points', async () => {
    const before = session('automate glue.threshold {\n    chorus -22 dB smooth\n    bar 12 beat 3 -20 dB\n    verse -18 dB\n    0:05 -19 dB hold\n  }');
    const { text } = await c.applyQuickFix(before, 'points-out-of-order', 'Sort points by time');
    const after = check(text);
    expect(after.diagnostics.filter((d) => d.code === 'points-out-of-order' || d.code === 'syntax')).toEqual([]);
    const lane = (t: string) => check(t).model.channels.find((x) => x.name === 'vox')!.automation![0]!;
    expect(lane(text)).toEqual(lane(before));
    expect(text).toContain('    0:05 -19 dB hold\n    verse -18 dB\n    bar 12 beat 3 -20 dB\n    chorus -22 dB smooth\n');
  });

  it('a point analysis cannot place is kept, after the sorted ones', async () => {
    const { text } = await c.applyQuickFix(session('automate gain { bar 9 0 dB; bar 1 -2 dB; nowhere -1 dB }'), 'points-out-of-order', 'Sort points by time');
    expect(text).toBe(session('automate gain {\n    bar 1 -2 dB\n    bar 9 0 dB\n    nowhere -1 dB\n  }'));
  });
});

describe('semantic tokens of a target', () => {
  interface Decoded { line: number; char: number; type: string; text: string }

  async function tokensOf(marked: string): Promise<Decoded[]> {
    return c.withDoc(marked, async (doc) => {
      const legend = c.client.initializeResult!.capabilities.semanticTokensProvider!.legend as SemanticTokensLegend;
      const { data } = await c.client.semanticTokens(doc.uri);
      const lines = doc.text.split('\n');
      const out: Decoded[] = [];
      let line = 0;
      let char = 0;
      for (let i = 0; i < data.length; i += 5) {
        const [dLine, dChar, length, type] = data.slice(i, i + 4) as [number, number, number, number];
        line += dLine;
        char = dLine === 0 ? char + dChar : dChar;
        out.push({ line, char, type: legend.tokenTypes[type]!, text: lines[line]!.slice(char, char + length) });
      }
      return out;
    });
  }

  it('the part as a processor or band, the parameter as a property, a position as a number', async () => {
    const tokens = await tokensOf(session('automate glue.threshold { verse -18 dB }\n  automate presence.freq { verse 2 kHz }\n  automate comp#2.ratio { verse 4:1 }'));
    const line = (n: number) => tokens.filter((t) => t.line === n).map((t) => [t.text, t.type]);
    expect(line(14).slice(0, 3)).toEqual([['automate', 'keyword'], ['glue', 'method'], ['threshold', 'property']]);
    expect(line(15).slice(0, 3)).toEqual([['automate', 'keyword'], ['presence', 'enumMember'], ['freq', 'property']]);
    expect(line(16).slice(0, 4)).toEqual([['automate', 'keyword'], ['comp', 'method'], ['#2', 'number'], ['ratio', 'property']]);
    // The declarations are still declarations of the same types.
    expect(tokens.find((t) => t.line === 11 && t.text === 'glue')!.type).toBe('method');
    expect(tokens.find((t) => t.line === 8 && t.text === 'presence')!.type).toBe('enumMember');
  });
});

describe('rename through a target', () => {
  it('renaming a processor from its block or from a target changes both', async () => {
    const lane = 'automate glue.threshold { verse -18 dB; chorus -22 dB }';
    const expected = session(lane.replace('glue', 'bus_glue')).replace('comp glue {', 'comp bus_glue {');
    const fromBlock = await c.rename(session(lane).replace('comp glue {', 'comp gl<|>ue {'), 'bus_glue');
    expect(fromBlock.text).toBe(expected);
    expect(relevant(codesOf(fromBlock.diagnostics))).toEqual([]);
    const fromTarget = await c.rename(session(lane.replace('glue.', 'gl<|>ue.')), 'bus_glue');
    expect(fromTarget.text).toBe(expected);
  });

  it('renaming a band changes its targets, and references find them', async () => {
    const lanes = 'automate presence.gain { verse 0 dB }\n  automate presence.freq { verse 2 kHz }';
    const { text, diagnostics } = await c.rename(session(lanes).replace('bell presence', 'bell pre<|>sence'), 'air');
    expect(text).toBe(session(lanes.replaceAll('presence', 'air')).replace('bell presence', 'bell air'));
    expect(relevant(codesOf(diagnostics))).toEqual([]);
    await c.expectReferences(session('automate [[presence]].gain { verse 0 dB }').replace('bell presence', 'bell [[pre<|>sence]]'), true);
  });

  it('the rename edit touches only the names', async () => {
    await c.withDoc(session('automate glue.threshold { verse -18 dB }').replace('comp glue {', 'comp gl<|>ue {'), async (doc) => {
      const edit = await c.client.rename(doc.uri, cursorOf(doc), 'g2');
      const edits = editsFor(edit, doc.uri);
      expect(edits.map((e) => textAt(doc.text, e.range))).toEqual(['glue', 'glue']);
      expect(applyEdits(doc.text, edits)).toContain('automate g2.threshold');
    });
  });
});
