/**
 * The processor registry (grammar/src/processors/): every registered
 * processor and parameter is complete, and the parser, analysis, keyword docs
 * and defaults all follow its declarations. These loop over the registry, so
 * a new processor is tested by them as soon as it is registered.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  check, declarationsOf, KEYWORD_DOCS, KEYWORDS, PARAM_KEYWORDS, parse, PROCESSOR_LIST, sidechainOf, takesSidechain,
  UNIT_RULES, type CheckedDocument, type ParamDecl, type ProcessorDecl, type ProcessorModel,
} from '../../grammar/src/index.js';

const params = (p: ProcessorDecl) => p.params as readonly ParamDecl[];
const allParams = PROCESSOR_LIST.flatMap((p) => params(p).map((param) => ({ processor: p, param })));

/** A track with a source and one block of `type` holding `body`. */
const inBlock = (type: string, body: string) => `track kick { file "k.wav" }\ntrack t {\n  file "t.wav"\n  ${type} { ${body} }\n}\n`;
const insertOf = (r: CheckedDocument): ProcessorModel => r.model.channels.find((c) => c.name === 't')!.inserts[0]!;
const errors = (r: CheckedDocument) => r.diagnostics.filter((d) => d.severity === 'error');

/** A number in the parameter's docs unit, written as the language writes it. */
function written(param: ParamDecl, baseValue: number): string {
  const factor = param.kind && param.unit ? (UNIT_RULES[param.kind].units as Record<string, number>)[param.unit] ?? 1 : 1;
  const n = Number((baseValue / factor).toPrecision(6));
  if (param.syntax === 'ratio') return `${param.keyword} ${n}:1`;
  return param.unit === '%' ? `${param.keyword} ${n}%` : `${param.keyword} ${n}${param.unit ? ` ${param.unit}` : ''}`;
}

describe('every registered processor', () => {
  it.each(PROCESSOR_LIST.map((p) => [p.type, p] as const))('%s: is a keyword, documented, and its example checks cleanly', (type, p) => {
    expect(KEYWORDS).toContain(type);
    expect(p.summary).not.toBe('');
    expect(KEYWORD_DOCS[type]).toMatchObject({ syntax: p.usage, summary: p.summary, snippet: p.snippet, levels: ['channel'] });
    const r = check(`track t {\n  file "t.wav"\n  ${p.example}\n}\n`);
    expect(errors(r), p.example).toEqual([]);
    expect(insertOf(r).type).toBe(type);
  });

  it.each(PROCESSOR_LIST.filter((p) => p.params.length > 0).map((p) => [p.type, p] as const))('%s: an empty block has every declared default', (type, p) => {
    const model = insertOf(check(inBlock(type, ''))) as unknown as Record<string, unknown>;
    expect(model.type).toBe(type);
    expect(model.bypass).toBe(false);
    for (const param of params(p)) {
      expect(model[param.field], param.keyword).toBe(param.default);
      for (const [field, value] of Object.entries(param.alsoSets ?? {})) expect(model[field], field).toBe(value);
    }
  });

  it('has the defaults of the design (§5), in base units', () => {
    expect(insertOf(check(inBlock('comp', '')))).toEqual({
      type: 'comp', bypass: false, thresholdDb: -20, ratio: 4, kneeDb: 6, attack: 0.01, release: 0.1, makeupDb: 0, mix: 1, sidechain: null,
    });
    expect(insertOf(check(inBlock('limit', '')))).toEqual({ type: 'limit', bypass: false, ceilingDb: -1, ceilingMode: 'dBTP', release: 0.05, lookahead: 0.0015 });
    const band = (text: string) => (insertOf(check(inBlock('eq', text))) as unknown as { bands: unknown[] }).bands[0];
    expect(band('highpass 80 Hz')).toEqual({ type: 'highpass', freq: 80, gainDb: 0, q: Math.SQRT1_2, slope: 12 });
    expect(band('lowpass 8 kHz')).toEqual({ type: 'lowpass', freq: 8000, gainDb: 0, q: Math.SQRT1_2, slope: 12 });
    expect(band('lowshelf 100 Hz 1 dB')).toMatchObject({ q: Math.SQRT1_2 });
    expect(band('highshelf 8 kHz 1 dB')).toMatchObject({ q: Math.SQRT1_2 });
    expect(band('bell 1 kHz 1 dB')).toMatchObject({ q: 1 });
    expect(band('notch 60 Hz')).toMatchObject({ q: 10 });
    expect(band('bandpass 1 kHz')).toMatchObject({ q: 1 });
  });

  it('says which processors can be keyed by another channel, and the model keeps the key', () => {
    for (const p of PROCESSOR_LIST) {
      expect(takesSidechain(p.type), p.type).toBe(params(p).some((x) => x.syntax === 'channel'));
      if (!takesSidechain(p.type)) continue;
      const keyed = params(p).find((x) => x.syntax === 'channel')!;
      const r = check(inBlock(p.type, `${keyed.keyword} kick`));
      expect(errors(r)).toEqual([]);
      expect(sidechainOf(insertOf(r))).toBe('kick');
      const names = r.model.channels.map((c) => c.name);
      expect(names.indexOf('kick')).toBeLessThan(names.indexOf('t'));
    }
  });
});

describe('every registered parameter', () => {
  it.each(allParams.map(({ processor, param }) => [`${processor.type} ${param.keyword}`, processor, param] as const))('%s: is declared completely', (_, processor, param) => {
    expect(KEYWORDS).toContain(param.keyword);
    expect(param.summary).not.toBe('');
    expect(param.usage.startsWith(param.keyword)).toBe(true);
    expect(param.example.startsWith(`${param.keyword} `)).toBe(true);
    // Numeric parameters have a kind and a range holding their default, and can be automated unless they set
    // the processor's latency (a limiter's look-ahead); a channel name has none of these.
    if (param.syntax === 'channel') {
      expect(param).toMatchObject({ kind: null, range: null, automatable: false });
    } else {
      expect(param.kind).not.toBeNull();
      expect(param.range!.min).toBeLessThan(param.range!.max);
      expect(param.default).not.toBeNull();
      expect(param.default!).toBeGreaterThanOrEqual(param.range!.min);
      expect(param.default!).toBeLessThanOrEqual(param.range!.max);
      expect(param.automatable).toBe(!(processor.type === 'limit' && param.keyword === 'lookahead'));
      if (param.unit) expect(Object.keys(UNIT_RULES[param.kind!].units)).toContain(param.unit);
    }
    const doc = KEYWORD_DOCS[param.keyword]!;
    expect(doc).toMatchObject({ syntax: declarationsOf(param.keyword)[0]!.param.usage, summary: declarationsOf(param.keyword)[0]!.param.summary });
    expect(doc.levels).toContain(processor.type);
    expect(doc.default, 'docs default').toBeTruthy();
    if (param.syntax !== 'channel') expect(doc.range, 'docs range').toBeTruthy();
    expect(doc.snippet!.startsWith(`${param.keyword} `)).toBe(true);
  });

  it.each(allParams.map(({ processor, param }) => [`${processor.type} ${param.keyword}`, processor, param] as const))('%s: its example checks cleanly and is recorded in the source map', (_, processor, param) => {
    const r = check(inBlock(processor.type, param.example));
    expect(errors(r), param.example).toEqual([]);
    expect(r.sources[`channel:t/insert:0/${param.keyword}`]).toBeDefined();
  });

  it.each(allParams.filter(({ param }) => param.range).map(({ processor, param }) => [`${processor.type} ${param.keyword}`, processor, param] as const))(
    '%s: a value outside its range is out-of-range, and the default stands',
    (_, processor, param) => {
      const { min, max } = param.range!;
      for (const v of [max + Math.max(1, Math.abs(max)), min - Math.max(1, Math.abs(min))]) {
        if (param.syntax === 'ratio' && v < 0) continue; // a negative ratio is no ratio; below 1 is tested by the next line
        const text = inBlock(processor.type, written(param, v));
        const r = check(text);
        expect(r.diagnostics.map((d) => d.code), text).toEqual(['out-of-range']);
        // On the value as written (a ratio's `:1` is no part of it).
        expect(text.slice(r.diagnostics[0]!.span.start, r.diagnostics[0]!.span.end)).toBe(written(param, v).slice(param.keyword.length + 1).replace(/:1$/, ''));
        expect((insertOf(r) as unknown as Record<string, unknown>)[param.field]).toBe(param.default);
      }
      if (param.syntax === 'ratio') expect(check(inBlock(processor.type, `${param.keyword} 0.5`)).diagnostics.map((d) => d.code)).toEqual(['out-of-range']);
    },
  );

  it.each(allParams.map(({ processor, param }) => [`${processor.type} ${param.keyword}`, processor, param] as const))('%s: written without a value, the parser quotes its example', (_, processor, param) => {
    const problems = parse(`track t {\n  ${processor.type} {\n    ${param.keyword}\n  }\n}\n`).problems;
    // The parser reads a block's body the same for every processor, so a shared keyword quotes its first declaration.
    const first = declarationsOf(param.keyword)[0]!.param;
    expect(problems.map((p) => p.message)).toContain(`'${param.keyword}' needs ${first.needs ?? 'a value'}, e.g. ${first.example}`);
  });

  it('a keyword several processors declare is read the same way by each', () => {
    for (const keyword of PARAM_KEYWORDS) {
      const decls = declarationsOf(keyword);
      for (const d of decls) expect({ keyword, syntax: d.param.syntax, kind: d.param.kind }).toEqual({ keyword, syntax: decls[0]!.param.syntax, kind: decls[0]!.param.kind });
    }
  });

  it('in the block of a processor that does not declare it, it is not-allowed-here, named after its owner', () => {
    for (const p of PROCESSOR_LIST) {
      for (const keyword of PARAM_KEYWORDS) {
        if (params(p).some((x) => x.keyword === keyword)) continue;
        const [owner] = declarationsOf(keyword);
        const text = inBlock(p.type, owner!.param.example);
        const r = check(text);
        expect(r.diagnostics.map((d) => d.code), text).toEqual(['not-allowed-here']);
        expect(r.diagnostics[0]!.message).toContain(`is a ${owner!.processor} setting`);
        expect(insertOf(r)).toEqual(insertOf(check(inBlock(p.type, ''))));
      }
    }
  });

  it('is once-only: a repeat is duplicate-setting and the first counts', () => {
    for (const { processor, param } of allParams) {
      const text = inBlock(processor.type, `${param.example}; ${param.example}`);
      expect(check(text).diagnostics.map((d) => d.code), text).toEqual(['duplicate-setting']);
    }
  });
});

describe('docs/language.md', () => {
  const docs = readFileSync(fileURLToPath(new URL('../../docs/language.md', import.meta.url)), 'utf8');
  /** The text of the section `### 6.N \`TYPE { … }\`` up to the next heading. */
  const section = (type: string) => docs.split(/^### /m).find((s) => s.startsWith(`6.`) && s.includes(`\`${type} { … }\``));

  it.each(PROCESSOR_LIST.map((p) => [p.type, p] as const))('%s: has a section whose table has a row for each parameter', (type, p) => {
    const text = section(type);
    expect(text, `a section for ${type}`).toBeDefined();
    for (const param of params(p)) expect(text, param.keyword).toMatch(new RegExp(`^\\| \`${param.keyword} `, 'm'));
  });
});
