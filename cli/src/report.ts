/** Printing diagnostics: a compiler-style line and the source line with a marker, or JSON. */
import { LineIndex, TempoMap, type Diagnostic, type MixModel } from '../../grammar/src/index.js';

export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Diagnostic['severity'];
  code: string;
  message: string;
}

export function toJson(file: string, text: string, diagnostics: readonly Diagnostic[]): JsonDiagnostic[] {
  const lines = new LineIndex(text);
  return diagnostics.map((d) => {
    const s = lines.position(d.span.start);
    const e = lines.position(d.span.end);
    return { file, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1, severity: d.severity, code: d.code, message: d.message };
  });
}

export function toText(file: string, text: string, diagnostics: readonly Diagnostic[]): string {
  const lines = new LineIndex(text);
  const sourceLines = text.split(/\r\n|\r|\n/);
  let out = '';
  for (const d of diagnostics) {
    const s = lines.position(d.span.start);
    const e = lines.position(d.span.end);
    const src = sourceLines[s.line] ?? '';
    const width = Math.max(1, (e.line === s.line ? e.character : src.length) - s.character);
    const gutter = String(s.line + 1);
    out += `${file}:${s.line + 1}:${s.character + 1}: ${d.severity}: ${d.message} [${d.code}]\n`;
    out += ` ${gutter} | ${src}\n ${' '.repeat(gutter.length)} | ${' '.repeat(s.character)}${'^'.repeat(width)}\n`;
  }
  return out;
}

export function summary(diagnostics: readonly Diagnostic[]): string {
  const count = (sev: Diagnostic['severity']) => diagnostics.filter((d) => d.severity === sev).length;
  const parts = [
    [count('error'), 'error'],
    [count('warning'), 'warning'],
    [count('information') + count('hint'), 'note'],
  ] as const;
  const said = parts.filter(([n]) => n > 0).map(([n, w]) => `${n} ${w}${n === 1 ? '' : 's'}`);
  return said.length === 0 ? 'no problems' : said.join(', ');
}

/**
 * The tempo map a session resolves to, for `check --json`: every tempo and
 * meter from bar 1 on, each with the time its bar starts; null without a
 * tempo (bar times then mean nothing).
 */
export function tempoMapJson(model: MixModel): TempoMapJson | null {
  const map = TempoMap.of(model);
  if (!map || model.tempo === null) return null;
  const changes = model.tempoMap ?? { tempos: [], meters: [] };
  const at = (bar: number) => Math.round(map.seconds(bar) * 1e6) / 1e6;
  return {
    tempos: [{ bar: 1, bpm: model.tempo, ramp: false }, ...changes.tempos].map((t) => ({ bar: t.bar, seconds: at(t.bar), bpm: t.bpm, ramp: t.ramp })),
    meters: [{ bar: 1, ...model.meter }, ...changes.meters].map((m) => ({ bar: m.bar, seconds: at(m.bar), beats: m.beats, unit: m.unit })),
  };
}

export interface TempoMapJson {
  readonly tempos: readonly { bar: number; seconds: number; bpm: number; ramp: boolean }[];
  readonly meters: readonly { bar: number; seconds: number; beats: number; unit: number }[];
}
