/** Inlay hints: bar times and marker names shown as clock times. */
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver';
import { forEachTime, TempoMap, type TimeExpr } from '../../../grammar/src/index.js';
import type { DocState } from '../documents.js';

/** `m:ss.fff`, trailing zeros of the fraction dropped: 31 s -> `0:31`, 31.5 -> `0:31.5`. */
export function clockTime(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const m = Math.floor(ms / 60000);
  const s = (ms - m * 60000) / 1000;
  const whole = Math.floor(s);
  const frac = (s - whole).toFixed(3).slice(1).replace(/\.?0+$/, '');
  return `${m}:${String(whole).padStart(2, '0')}${frac}`;
}

export function inlayHints(doc: DocState, range: Range): InlayHint[] {
  const start = doc.lines.offset(range.start);
  const end = doc.lines.offset(range.end);
  const { model } = doc.checked;
  const hints: InlayHint[] = [];
  const map = TempoMap.of(model);
  forEachTime(doc.checked.document, (t: TimeExpr) => {
    if (t.span.end < start || t.span.start > end) return;
    let seconds: number | null = null;
    if (t.kind === 'bar' && map && !Number.isNaN(t.bar.value)) {
      const beat = t.beat && !Number.isNaN(t.beat.value) ? t.beat.value : 1;
      seconds = map.seconds(t.bar.value, beat);
    } else if (t.kind === 'marker') {
      seconds = model.markers.find((m) => m.name === t.ref.name)?.time ?? null;
    }
    if (seconds === null || seconds < 0) return;
    hints.push({ position: doc.lines.position(t.span.end), label: `= ${clockTime(seconds)}`, kind: InlayHintKind.Type, paddingLeft: true });
  });
  return hints;
}
