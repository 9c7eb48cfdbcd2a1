/**
 * Go to definition, find references and rename over a real connection, for
 * the three kinds of name use: routing (`to`, `send`), side-chain keys and
 * marker times. `[[...]]` marks the ranges a result must name exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, ResponseError } from 'vscode-languageserver-protocol';
import { codesOf, cursorOf, TestConnection, textAt } from './connection.js';

let c: TestConnection;
beforeAll(async () => {
  c = await TestConnection.start();
});
afterAll(() => c.dispose());

describe('definition', () => {
  it('of a bus, from `to`', async () => {
    await c.expectDefinition('track kick {\n  file "k.wav"\n  to dr<|>ums\n}\nbus [[drums]] {}\n');
  });

  it('of a bus, from `send`', async () => {
    await c.expectDefinition('bus [[verb]] {}\ntrack vox {\n  file "v.wav"\n  send <|>verb -8 dB\n}\n');
  });

  it('of a side-chain key', async () => {
    await c.expectDefinition('track [[kick]] {\n  file "k.wav"\n}\ntrack bass {\n  file "b.wav"\n  comp {\n    sidechain kick<|>\n  }\n}\n');
  });

  it('of a marker, from a clip time', async () => {
    await c.expectDefinition('tempo 120 bpm\nmarker [[chorus]] bar 17\ntrack vox {\n  clip "v.wav" from ch<|>orus\n}\n');
  });

  it('of a bus named like a keyword', async () => {
    await c.expectDefinition('track pad {\n  file "p.wav"\n  to co<|>mp\n}\nbus [[comp]] {\n  comp { ratio 8:1 }\n}\n');
  });

  it('of master: the master block when written, none when master is implicit', async () => {
    await c.expectDefinition('track vox {\n  file "v.wav"\n  to mas<|>ter\n}\n[[master]] {\n  gain -1 dB\n}\n');
    await c.withDoc('track vox {\n  file "v.wav"\n  to mas<|>ter\n}\n', async (doc) => {
      expect(await c.client.definition(doc.uri, cursorOf(doc))).toBeNull();
    });
  });

  it('none for a keyword or an unknown name', async () => {
    await c.withDoc('track vox {\n  file "v.wav"\n  ga<|>in -3 dB\n}\n', async (doc) => {
      expect(await c.client.definition(doc.uri, cursorOf(doc))).toBeNull();
    });
    await c.withDoc('track vox {\n  file "v.wav"\n  to nowh<|>ere\n}\n', async (doc) => {
      expect(await c.client.definition(doc.uri, cursorOf(doc))).toBeNull();
    });
  });
});

describe('references', () => {
  const drums = [
    'track kick {\n  file "k.wav"\n  to [[drums]]\n}',
    'track snare {\n  file "s.wav"\n  to [[drums]]\n  send verb -12 dB\n}',
    'track vox {\n  file "v.wav"\n  send [[drums]] -20 dB\n  comp {\n    sidechain [[drums]]\n  }\n}',
    'bus verb {}',
    '',
  ];

  it('of a bus, from its definition, with the declaration', async () => {
    await c.expectReferences([...drums.slice(0, 4), 'bus [[dr<|>ums]] {}', ''].join('\n'), true);
  });

  it('of a bus, from a use, without the declaration', async () => {
    const text = [...drums.slice(0, 4), 'bus drums {}', ''].join('\n').replace('to [[drums]]', 'to [[dru<|>ms]]');
    await c.expectReferences(text, false);
  });

  it('of a marker: every time that names it', async () => {
    await c.expectReferences(
      'tempo 120 bpm\nmarker [[cho<|>rus]] bar 17\ntrack vox {\n  clip "a.wav" to [[chorus]]\n  clip "b.wav" from [[chorus]]\n  cut [[chorus]] to 0:40\n}\n',
      true,
    );
  });

  it('of a track, from a side-chain key: its definition and every key', async () => {
    await c.expectReferences(
      'track [[kick]] {\n  file "k.wav"\n}\ntrack bass {\n  file "b.wav"\n  comp { sidechain [[ki<|>ck]] }\n}\nbus drums {\n  comp { sidechain [[kick]] }\n}\ntrack keys {\n  file "kick.wav"\n  to drums\n}\n',
      true,
    );
  });

  it('a name used as a keyword elsewhere is not a reference', async () => {
    // The bus is called `comp`; the `comp {` blocks are compressors.
    await c.expectReferences('track pad {\n  file "p.wav"\n  comp { ratio 2:1 }\n  to [[comp]]\n}\nbus [[co<|>mp]] {\n  comp { ratio 8:1 }\n}\n', true);
  });
});

describe('rename', () => {
  const session = [
    'tempo 120 bpm',
    'marker chorus bar 17',
    'track kick {',
    '  file "k.wav"',
    '  to drums',
    '}',
    'track vox {',
    '  clip "v.wav" from chorus',
    '  send drums -20 dB',
    '  comp {',
    '    sidechain kick',
    '  }',
    '}',
    'bus drums {',
    '  comp { sidechain kick }',
    '}',
    '',
  ].join('\n');

  it('prepareRename gives the range of the name under the cursor', async () => {
    await c.withDoc(session.replace('send drums', 'send dr<|>ums'), async (doc) => {
      const r = await c.client.prepareRename(doc.uri, cursorOf(doc));
      expect(r && 'start' in r ? textAt(doc.text, r) : r).toBe('drums');
    });
  });

  it('a bus: its definition and every `to` and `send` change', async () => {
    const { text, diagnostics } = await c.rename(session.replace('bus drums', 'bus dr<|>ums'), 'kit');
    expect(text).toBe(session.replaceAll('drums', 'kit'));
    expect(codesOf(diagnostics).filter((x) => x !== 'audio-missing')).toEqual([]);
  });

  it('a track from a side-chain key: the definition and every key change, and nothing else', async () => {
    const { text, diagnostics } = await c.rename(session.replace('sidechain kick\n  }\n}\nbus', 'sidechain ki<|>ck\n  }\n}\nbus'), 'bd');
    expect(text).toBe(session.replaceAll('kick {', 'bd {').replaceAll('sidechain kick', 'sidechain bd'));
    expect(text).toContain('"k.wav"');
    expect(codesOf(diagnostics).filter((x) => x !== 'audio-missing')).toEqual([]);
  });

  it('a marker: the definition and every time that names it', async () => {
    const { text } = await c.rename(session.replace('from chorus', 'from <|>chorus'), 'hook');
    expect(text).toBe(session.replaceAll('chorus', 'hook'));
  });

  it('refuses a name that is not a name', async () => {
    const at = session.replace('bus drums', 'bus dr<|>ums');
    await c.expectRenameRefused(at, '2drums', /not a name/);
    await c.expectRenameRefused(at, 'drum bus', /not a name/);
    await c.expectRenameRefused(at, '', /not a name/);
  });

  it('refuses a name already used by another channel or marker', async () => {
    const at = session.replace('bus drums', 'bus dr<|>ums');
    await c.expectRenameRefused(at, 'kick', /already used by a track/);
    await c.expectRenameRefused(at, 'chorus', /already used by a marker/);
  });

  it('refuses `master` as the new name, and refuses to rename master', async () => {
    await c.expectRenameRefused(session.replace('bus drums', 'bus dr<|>ums'), 'master', /reserved/);
    const withMaster = `${session}master {\n  gain -1 dB\n}\ntrack fx {\n  file "fx.wav"\n  to master\n}\n`;
    await c.expectRenameRefused(withMaster.replace('master {', 'mas<|>ter {'), 'main', /master cannot be renamed/);
    await c.expectRenameRefused(withMaster.replace('to master', 'to mas<|>ter'), 'main', /master cannot be renamed/);
    await c.withDoc(withMaster.replace('to master', 'to mas<|>ter'), async (doc) => {
      await expect(c.client.prepareRename(doc.uri, cursorOf(doc))).rejects.toThrow(/master cannot be renamed/);
    });
  });

  it('refuses a keyword as a marker name (times could not name it)', async () => {
    await c.expectRenameRefused(session.replace('marker chorus', 'marker cho<|>rus'), 'bar', /keyword/);
  });

  describe('processor and band names', () => {
    const named = [
      'track vox {',
      '  file "v.wav"',
      '  eq tone {',
      '    bell presence 3 kHz +2 dB',
      '    highpass lowcut 90 Hz',
      '  }',
      '  comp glue { threshold -18 dB }',
      '}',
      'track gtr {',
      '  file "g.wav"',
      '  comp glue { threshold -24 dB }',
      '}',
      '',
    ].join('\n');

    it('renames a processor in its channel only, and a band', async () => {
      const { text, diagnostics } = await c.rename(named.replace('comp glue { threshold -18', 'comp gl<|>ue { threshold -18'), 'bus_glue');
      expect(text).toBe(named.replace('comp glue { threshold -18', 'comp bus_glue { threshold -18'));
      expect(codesOf(diagnostics).filter((x) => x !== 'audio-missing')).toEqual([]);
      const band = await c.rename(named.replace('bell presence', 'bell pre<|>sence'), 'air');
      expect(band.text).toBe(named.replace('bell presence', 'bell air'));
    });

    it('may take a name a channel or another channel\'s processor has, but not one of its own channel', async () => {
      const at = named.replace('comp glue { threshold -18', 'comp gl<|>ue { threshold -18');
      expect((await c.rename(at, 'vox')).text).toContain('comp vox {');
      await c.expectRenameRefused(at, 'tone', /already used by a processor of vox/);
      await c.expectRenameRefused(at, 'lowcut', /already used by a band of vox/);
      await c.expectRenameRefused(at, 'ratio', /keyword/);
    });

    it('references of a band: its definition, and not the other channel\'s part of the same name', async () => {
      await c.expectReferences(named.replace('bell presence', 'bell [[pr<|>esence]]'), true);
      await c.expectReferences(named.replace('comp glue { threshold -24', 'comp [[gl<|>ue]] { threshold -24'), true);
    });
  });

  it('refusals are LSP errors the editor shows, not crashes', async () => {
    await c.withDoc(session.replace('bus drums', 'bus dr<|>ums'), async (doc) => {
      const err = await c.client.rename(doc.uri, cursorOf(doc), 'kick').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ResponseError);
      expect((err as ResponseError<unknown>).code).toBe(ErrorCodes.InvalidParams);
      // The server still answers afterwards.
      expect(await c.client.prepareRename(doc.uri, cursorOf(doc))).not.toBeNull();
    });
  });
});
