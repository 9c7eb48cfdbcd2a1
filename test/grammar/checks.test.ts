/**
 * The checks on the built model (grammar/src/analysis/checks/): every
 * registered check runs, reports only its own codes, and every diagnostic
 * code is listed in docs/language.md.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { check, CHECKS, CODES, type DiagnosticCode } from '../../grammar/src/index.js';
import { factsFrom, wav } from './helpers.js';

/** One problem per check, each on a line of its own. */
const ONE_PROBLEM_EACH = [
  'track late {',
  '  clip "short.wav" from 1:00', // clip-past-end: the file is 45 s long
  '}',
  'track layered {',
  '  clip "long.wav" to 20 s',
  '  clip "long.wav" from 10 s', // overlapping-clips
  '}',
  'track idea { gain -3 dB }', // track-no-sources
  'bus unused { }', // bus-no-inputs
  'bus a { to b }', // routing-cycle (one diagnostic per edge on the cycle)
  'bus b { to a }',
].join('\n');
const facts = factsFrom({ 'short.wav': wav(45), 'long.wav': wav(60) });

/** The check each line's problem is for, by the code it reports. */
const EXPECTED: Record<string, readonly DiagnosticCode[]> = {
  'clip-past-end': [CODES.clipPastEnd],
  'overlapping-clips': [CODES.overlappingClips],
  'track-no-sources': [CODES.trackNoSources],
  'bus-no-inputs': [CODES.busNoInputs],
  'routing-cycles': [CODES.routingCycle, CODES.routingCycle],
};

describe('model checks', () => {
  it('every registered check runs: a file with one problem per check gets each one', () => {
    const r = check(ONE_PROBLEM_EACH, { facts });
    // Every check has a case here; a new check without one fails.
    expect(CHECKS.map((c) => c.name).sort()).toEqual(Object.keys(EXPECTED).sort());
    const codes = r.diagnostics.map((d) => d.code).sort();
    expect(codes).toEqual(Object.values(EXPECTED).flat().sort());
  });

  it('each check reports only the codes it declares', () => {
    const r = check(ONE_PROBLEM_EACH, { facts });
    for (const c of CHECKS) {
      const reported: { code: DiagnosticCode }[] = [];
      const ctx = {
        report: (code: DiagnosticCode) => reported.push({ code }),
        facts, sources: r.sources, channelSymbols: new Map(r.symbols.map((s) => [s.name, s])),
        uncertainClips: new Set(), routes: { edges: [], stuck: [] },
      };
      // Cycles need the signal graph; the others read the model alone.
      if (c.name === 'routing-cycles') continue;
      c.run(r.model, ctx as never);
      expect(reported.map((x) => x.code), c.name).toEqual(EXPECTED[c.name]);
      for (const x of reported) expect(c.codes, c.name).toContain(x.code);
    }
  });

  it('codes are unique to one check', () => {
    const owners = CHECKS.flatMap((c) => c.codes.map((code) => [code, c.name] as const));
    expect(new Set(owners.map(([code]) => code)).size).toBe(owners.length);
  });
});

describe('docs/language.md', () => {
  it('lists every diagnostic code in its table', () => {
    const docs = readFileSync(fileURLToPath(new URL('../../docs/language.md', import.meta.url)), 'utf8');
    for (const code of Object.values(CODES)) expect(docs, code).toContain(`| \`${code}\` |`);
  });
});
