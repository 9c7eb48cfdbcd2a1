/** The colour picker on `color "#rrggbb"`. */
import type { Color, ColorInformation, ColorPresentation, Range } from 'vscode-languageserver';
import type { DocState } from '../documents.js';

export function documentColors(doc: DocState): ColorInformation[] {
  const out: ColorInformation[] = [];
  for (const s of doc.checked.document.statements) {
    if (s.kind !== 'channel') continue;
    for (const item of s.body) {
      if (item.kind !== 'color' || !item.value) continue;
      const m = /^#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})$/.exec(item.value.value);
      if (!m) continue;
      const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((h) => parseInt(h, 16) / 255);
      out.push({ range: doc.lines.range(item.value.span), color: { red: r!, green: g!, blue: b!, alpha: 1 } });
    }
  }
  return out;
}

export function colorPresentations(color: Color, range: Range): ColorPresentation[] {
  const hex = (v: number) => Math.round(Math.max(0, Math.min(1, v)) * 255).toString(16).padStart(2, '0');
  const label = `"#${hex(color.red)}${hex(color.green)}${hex(color.blue)}"`;
  return [{ label, textEdit: { range, newText: label } }];
}
