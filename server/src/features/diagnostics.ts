import { DiagnosticSeverity, DiagnosticTag, type Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { Diagnostic } from '../../../grammar/src/index.js';
import type { DocState } from '../documents.js';

const SEVERITY = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
} as const;

export function toLspDiagnostic(doc: DocState, d: Diagnostic): LspDiagnostic {
  const out: LspDiagnostic = {
    range: doc.lines.range(d.span),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'mix',
    message: d.message,
  };
  if (d.data) out.data = d.data;
  // An empty track or an unfed bus does nothing: show it faded, as unused code is.
  if (d.code === 'track-no-sources' || d.code === 'bus-no-inputs') out.tags = [DiagnosticTag.Unnecessary];
  return out;
}

export function lspDiagnostics(doc: DocState): LspDiagnostic[] {
  return doc.checked.diagnostics.map((d) => toLspDiagnostic(doc, d));
}
