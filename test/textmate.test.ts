/**
 * The TextMate grammar: the committed file is what the generator makes from
 * tokens.ts, and VS Code's own tokenizer (vscode-textmate on the Oniguruma
 * regex engine) gives the expected scopes to typical lines.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as OnigurumaModule from 'vscode-oniguruma';
import type * as TextMateModule from 'vscode-textmate';
import { PARAM_KEYWORDS, paramByKeyword, PROCESSOR_TYPES } from '../grammar/src/processors/index.js';
import { KEYWORDS, UNIT_IMAGES } from '../grammar/src/tokens.js';
import { GRAMMAR_PATH, buildGrammar, renderGrammar } from '../scripts/gen-textmate.js';

const require = createRequire(import.meta.url);
// Both packages are CommonJS bundles without static named exports; load them as Node does.
const oniguruma = require('vscode-oniguruma') as typeof OnigurumaModule;
const vsctm = require('vscode-textmate') as typeof TextMateModule;

let grammar: TextMateModule.IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      if (scopeName !== 'source.mix') return null;
      // The committed file, as VS Code loads it.
      return vsctm.parseRawGrammar(readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH);
    },
  });
  const loaded = await registry.loadGrammar('source.mix');
  if (!loaded) throw new Error('source.mix did not load');
  grammar = loaded;
});

interface Token {
  readonly text: string;
  readonly scopes: readonly string[];
}

/** Tokens of each line of `text`, with the rule stack carried from line to line. */
function tokenize(text: string): Token[][] {
  let stack = vsctm.INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** The scopes of the token whose text is exactly `text` (the `nth` such token), innermost last. */
function scopesOf(line: string, text: string, nth = 0): readonly string[] {
  const matches = tokenize(line)[0]!.filter((t) => t.text === text);
  const found = matches[nth];
  if (!found) {
    const seen = tokenize(line)[0]!.map((t) => JSON.stringify(t.text)).join(' ');
    throw new Error(`no token ${JSON.stringify(text)} in ${JSON.stringify(line)}; tokens: ${seen}`);
  }
  return found.scopes;
}

const innermost = (scopes: readonly string[]) => scopes[scopes.length - 1];

describe('generated grammar file', () => {
  it('is up to date with grammar/src/tokens.ts and the processor registry (run npm run gen:syntax)', () => {
    expect(readFileSync(GRAMMAR_PATH, 'utf8')).toBe(renderGrammar());
  });

  it('names the scope source.mix', () => {
    expect(buildGrammar()['scopeName']).toBe('source.mix');
  });
});

describe('tokenizing with vscode-textmate', () => {
  it('reads a comment to the end of the line', () => {
    const line = '# Night Drive, mix 3 "draft" track kick';
    const tokens = tokenize(line)[0]!;
    expect(tokens.map((t) => t.text).join('')).toBe(line);
    for (const t of tokens) expect(t.scopes).toContain('comment.line.number-sign.mix');
  });

  it('keeps a # inside a string as text, and a comment after it is a comment', () => {
    const line = 'label "Kick #1 \\"in\\" \\\\" # the inside mic';
    const tokens = tokenize(line)[0]!;
    const inString = tokens.filter((t) => t.scopes.includes('string.quoted.double.mix'));
    expect(inString.map((t) => t.text).join('')).toBe('"Kick #1 \\"in\\" \\\\"');
    for (const t of inString) expect(t.scopes.some((s) => s.startsWith('comment'))).toBe(false);
    expect(innermost(scopesOf(line, '\\"'))).toBe('constant.character.escape.mix');
    expect(innermost(scopesOf(line, '\\\\'))).toBe('constant.character.escape.mix');
    expect(scopesOf(line, ' the inside mic')).toContain('comment.line.number-sign.mix');
    expect(innermost(scopesOf(line, 'label'))).toBe('keyword.other.setting.mix');
  });

  it('ends an unclosed string at the end of its line', () => {
    const [first, second] = tokenize('file "stems/kick.wav\ngain -3 dB');
    expect(first!.at(-1)!.scopes).toContain('string.quoted.double.mix');
    expect(second!.find((t) => t.text === 'gain')!.scopes).not.toContain('string.quoted.double.mix');
    expect(innermost(second!.find((t) => t.text === 'dB')!.scopes)).toBe('keyword.other.unit.db.mix');
  });

  it('gives numbers and the units right after them their scopes', () => {
    const line = '    bell 300 Hz -4.5 dB q 1.4';
    expect(innermost(scopesOf(line, 'bell'))).toBe('support.type.band.mix');
    expect(innermost(scopesOf(line, '300'))).toBe('constant.numeric.mix');
    expect(innermost(scopesOf(line, 'Hz'))).toBe('keyword.other.unit.hz.mix');
    expect(innermost(scopesOf(line, '-4.5'))).toBe('constant.numeric.mix');
    expect(innermost(scopesOf(line, 'dB'))).toBe('keyword.other.unit.db.mix');
    expect(innermost(scopesOf(line, 'q'))).toBe('variable.parameter.mix');
    expect(innermost(scopesOf(line, '1.4'))).toBe('constant.numeric.mix');
  });

  it('reads every unit of the language after a number', () => {
    const expected: Record<string, string> = {
      'dB/oct': 'db-per-oct', dBFS: 'dbfs', dBTP: 'dbtp', dB: 'db', LUFS: 'lufs', kHz: 'khz', Hz: 'hz', ms: 'ms', s: 's', '%': 'percent', bpm: 'bpm',
    };
    expect(Object.keys(expected).sort()).toEqual([...UNIT_IMAGES].sort());
    for (const unit of UNIT_IMAGES) {
      const line = `gain +2 ${unit}`;
      expect(innermost(scopesOf(line, unit)), line).toBe(`keyword.other.unit.${expected[unit]}.mix`);
      expect(innermost(scopesOf(line, '+2')), line).toBe('constant.numeric.mix');
    }
    expect(innermost(scopesOf('pan -30%', '%'))).toBe('keyword.other.unit.percent.mix');
  });

  it('treats units as case-sensitive and only after a number', () => {
    expect(scopesOf('gain 3 db', 'db').some((s) => s.startsWith('keyword.other.unit'))).toBe(false);
    expect(scopesOf('gain 3 hz', 'hz').some((s) => s.startsWith('keyword.other.unit'))).toBe(false);
    expect(scopesOf('track dB {', 'dB').some((s) => s.startsWith('keyword.other.unit'))).toBe(false);
  });

  it('reads -inf, clock times and musical times', () => {
    expect(innermost(scopesOf('gain -inf', '-inf'))).toBe('constant.numeric.mix');
    const cut = 'cut 2:03.2 to 2:04';
    expect(innermost(scopesOf(cut, 'cut'))).toBe('keyword.other.setting.mix');
    expect(innermost(scopesOf(cut, '2:03.2'))).toBe('constant.numeric.time.clock.mix');
    expect(innermost(scopesOf(cut, '2:04'))).toBe('constant.numeric.time.clock.mix');
    const bar = 'clip "takes/vox_3.wav" from bar 17 beat 3 to bridge fade 20 ms';
    expect(innermost(scopesOf(bar, 'from'))).toBe('keyword.other.clause.mix');
    expect(innermost(scopesOf(bar, 'bar'))).toBe('keyword.other.clause.mix');
    expect(innermost(scopesOf(bar, '17'))).toBe('constant.numeric.mix');
    expect(innermost(scopesOf(bar, 'bridge'))).toBe('variable.other.name.mix');
    expect(innermost(scopesOf(bar, 'ms'))).toBe('keyword.other.unit.ms.mix');
    // A digit inside a name or a path is not a number.
    expect(innermost(scopesOf(bar, 'takes/vox_3.wav'))).toBe('string.quoted.double.mix');
    expect(scopesOf('send vox_2 -6 dB', 'vox_2')).not.toContain('constant.numeric.mix');
  });

  it('reads ratio and meter as numbers around a separator', () => {
    expect(innermost(scopesOf('ratio 4:1', '4'))).toBe('constant.numeric.mix');
    expect(innermost(scopesOf('ratio 4:1', ':'))).toBe('punctuation.separator.ratio.mix');
    expect(innermost(scopesOf('meter 4/4', '/'))).toBe('punctuation.separator.meter.mix');
  });

  it('declares channel names after track and bus, and highlights processors', () => {
    const line = 'track comp { eq { highpass 30 Hz } comp { threshold -12 dB } }';
    expect(innermost(scopesOf(line, 'track'))).toBe('storage.type.channel.mix');
    // A channel may be called like a keyword: after `track` it is a name.
    expect(innermost(scopesOf(line, 'comp', 0))).toBe('entity.name.type.channel.mix');
    expect(innermost(scopesOf(line, 'comp', 1))).toBe('support.function.processor.mix');
    expect(innermost(scopesOf(line, 'eq'))).toBe('support.function.processor.mix');
    expect(innermost(scopesOf(line, 'threshold'))).toBe('variable.parameter.mix');
    expect(innermost(scopesOf(line, '{'))).toBe('punctuation.section.block.begin.mix');
    expect(innermost(scopesOf('bus drums {', 'drums'))).toBe('entity.name.type.channel.mix');
    expect(innermost(scopesOf('master {', 'master'))).toBe('storage.type.channel.mix');
    expect(innermost(scopesOf('marker chorus bar 17', 'chorus'))).toBe('entity.name.label.marker.mix');
    expect(innermost(scopesOf('reference pro "refs/pro.wav" gain -2 dB', 'pro'))).toBe('entity.name.other.reference.mix');
  });

  it('declares the names of processors and bands, and not a band\'s q or slope', () => {
    const comp = 'comp glue { threshold -12 dB }';
    expect(innermost(scopesOf(comp, 'comp'))).toBe('support.function.processor.mix');
    expect(innermost(scopesOf(comp, 'glue'))).toBe('entity.name.function.processor.mix');
    const bell = 'bell presence 3 kHz +2 dB q 1.4';
    expect(innermost(scopesOf(bell, 'bell'))).toBe('support.type.band.mix');
    expect(innermost(scopesOf(bell, 'presence'))).toBe('entity.name.other.band.mix');
    expect(innermost(scopesOf('highpass 80 Hz slope 24 dB/oct', 'slope'))).not.toBe('entity.name.other.band.mix');
    expect(innermost(scopesOf('highpass lowcut -inf dB', 'lowcut'))).toBe('entity.name.other.band.mix');
  });

  it('reads an automation lane: its target part, position and parameter, shapes and switches; comp#2 is no comment', () => {
    const part = 'automate glue.threshold { verse -18 dB smooth; chorus -12 dB }';
    expect(innermost(scopesOf(part, 'automate'))).toBe('keyword.other.automation.mix');
    expect(innermost(scopesOf(part, 'glue'))).toBe('variable.other.part.mix');
    expect(innermost(scopesOf(part, 'threshold'))).toBe('variable.other.property.mix');
    expect(innermost(scopesOf(part, 'smooth'))).toBe('keyword.other.clause.mix');
    const indexed = 'automate comp#2.ratio { 1:00 4:1 } # a comment';
    expect(innermost(scopesOf(indexed, '#2'))).toBe('constant.numeric.index.mix');
    expect(innermost(scopesOf(indexed, 'ratio'))).toBe('variable.other.property.mix');
    expect(scopesOf(indexed, ' a comment').some((x) => x.startsWith('comment.line'))).toBe(true);
    expect(innermost(scopesOf('automate mute { verse on; bar 9 off hold }', 'on'))).toBe('constant.language.mix');
    expect(innermost(scopesOf('automate send verb { 1:00 -12 dB }', 'verb'))).toBe('variable.other.channel.mix');
  });

  it('marks the channel named by to, send and sidechain', () => {
    expect(innermost(scopesOf('to drums', 'to'))).toBe('keyword.control.routing.mix');
    expect(innermost(scopesOf('to drums', 'drums'))).toBe('variable.other.name.mix');
    expect(innermost(scopesOf('send crush -8 dB pre', 'crush'))).toBe('variable.other.channel.mix');
    expect(innermost(scopesOf('send crush -8 dB pre', 'pre'))).toBe('keyword.other.clause.mix');
    expect(innermost(scopesOf('sidechain kick', 'kick'))).toBe('variable.other.channel.mix');
  });

  it('scopes the hex colour inside a color string', () => {
    const line = 'color "#e06c75" # red';
    expect(innermost(scopesOf(line, 'color'))).toBe('keyword.other.setting.mix');
    const hex = scopesOf(line, '#e06c75');
    expect(innermost(hex)).toBe('constant.other.color.rgb-value.hex.mix');
    expect(hex).toContain('string.quoted.double.mix');
    expect(scopesOf(line, ' red')).toContain('comment.line.number-sign.mix');
    // Not a colour outside `color`.
    expect(innermost(scopesOf('label "#e06c75"', '#e06c75'))).toBe('string.quoted.double.mix');
  });

  it('scopes every registered processor and parameter from the processor registry', () => {
    for (const type of PROCESSOR_TYPES) expect(innermost(scopesOf(`  ${type} {`, type)), type).toBe('support.function.processor.mix');
    for (const keyword of PARAM_KEYWORDS) {
      if (paramByKeyword(keyword)!.syntax === 'channel') {
        // A channel-valued parameter is routing, and the name after it a channel.
        expect(innermost(scopesOf(`  ${keyword} kick`, keyword)), keyword).toBe('keyword.control.routing.mix');
        expect(innermost(scopesOf(`  ${keyword} kick`, 'kick')), keyword).toBe('variable.other.channel.mix');
      } else {
        expect(innermost(scopesOf(`  ${keyword} 1`, keyword)), keyword).toBe('variable.parameter.mix');
      }
    }
  });

  it('gives every keyword of tokens.ts a keyword scope, not a name scope', () => {
    for (const word of KEYWORDS) {
      const scope = innermost(scopesOf(`  ${word}`, word))!;
      expect(scope, word).not.toBe('variable.other.name.mix');
      expect(scope, word).toMatch(/^(storage\.type|keyword|support|variable\.parameter|constant\.language)\./);
    }
    // …and only whole words: a name that contains a keyword is a name.
    expect(innermost(scopesOf('to trackside', 'trackside'))).toBe('variable.other.name.mix');
    expect(innermost(scopesOf('  gains', 'gains'))).toBe('variable.other.name.mix');
  });
});
