/**
 * Shared helpers for the grammar tests: fixtures, a fake audio-facts table,
 * and small utilities for reading spans and stripping them from trees.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { AudioFact, AudioFacts, Span } from '../../grammar/src/index.js';

export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), 'utf8');
}

/** An `ok` fact for a WAV file of `seconds` at `sampleRate`. */
export function wav(seconds: number, sampleRate = 48000, channels = 2): AudioFact {
  return { status: 'ok', info: { sampleRate, channels, frames: Math.round(seconds * sampleRate), encoding: 'PCM 24-bit' } };
}

/**
 * Facts from a table. A path not in the table is reported as `missing`, so a
 * typo in a fixture shows up as a diagnostic instead of passing silently.
 */
export function factsFrom(table: Record<string, AudioFact>, unknown: AudioFact | undefined = { status: 'missing' }): AudioFacts {
  return { get: (path) => (Object.prototype.hasOwnProperty.call(table, path) ? table[path] : unknown) };
}

/** Every audio file of test/fixtures/rich.mix: ok, 48 kHz, realistic lengths. */
export const RICH_FACTS_TABLE: Record<string, AudioFact> = {
  'refs/pro_master.wav': wav(3 * 60 + 41.2),
  'refs/demo.wav': wav(3 * 60 + 28.7),
  'stems/kick.wav': wav(3 * 60 + 35),
  'stems/snare.wav': wav(3 * 60 + 35),
  'stems/bass.wav': wav(3 * 60 + 35),
  'stems/pad.wav': wav(3 * 60 + 20, 48000, 2),
  'stems/fx.wav': wav(3 * 60 + 35, 48000, 1),
  'takes/vox_1.wav': wav(3 * 60 + 35, 48000, 1),
  'takes/vox_2.wav': wav(45, 48000, 1),
  'takes/vox_3.wav': wav(3 * 60 + 35, 48000, 1),
};
export const richFacts = factsFrom(RICH_FACTS_TABLE);

export function textOf(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

export function expectSpanInside(span: Span, text: string): void {
  expect(Number.isInteger(span.start), `span start ${span.start} is an integer`).toBe(true);
  expect(Number.isInteger(span.end), `span end ${span.end} is an integer`).toBe(true);
  expect(span.start).toBeGreaterThanOrEqual(0);
  expect(span.end).toBeGreaterThanOrEqual(span.start);
  expect(span.end).toBeLessThanOrEqual(text.length);
}

/** Non-throwing variant for property tests. */
export function spanInside(span: Span, text: string): boolean {
  return Number.isInteger(span.start) && Number.isInteger(span.end) && span.start >= 0 && span.start <= span.end && span.end <= text.length;
}

const SPAN_KEYS = new Set(['span', 'keywordSpan', 'numberSpan', 'bodySpan', 'layoutSpan']);

/** A copy of a syntax tree without its source positions, for comparing fields. */
export function stripSpans<T>(node: T): T {
  return JSON.parse(JSON.stringify(node, (k, v) => (SPAN_KEYS.has(k) ? undefined : v === -Infinity ? '-inf' : v === Infinity ? 'inf' : v)));
}

/**
 * Source with `«…»` marks around the text a diagnostic should cover. Returns
 * the text without the marks and the marked spans, in order.
 */
export function marked(source: string): { text: string; spans: Span[] } {
  const spans: Span[] = [];
  let text = '';
  let open = -1;
  for (const ch of source) {
    if (ch === '«') open = text.length;
    else if (ch === '»') {
      spans.push({ start: open, end: text.length });
      open = -1;
    } else text += ch;
  }
  return { text, spans };
}
