/**
 * The preview page's HTML, made by the extension host for the webview (and
 * by the browser test for its stand-in). A strict Content Security Policy:
 * nothing loads but the extension's own files and the session's audio
 * (`source` is the webview's resource origin), scripts run only with the
 * page's nonce, and no inline style attribute is honoured.
 */

export interface PreviewPageOptions {
  /** The origin allowed to serve scripts, styles and audio (`webview.cspSource`). */
  readonly source: string;
  /** A fresh random string for each page. */
  readonly nonce: string;
  /** URLs of the page script, its stylesheets and the AudioWorklet module. */
  readonly script: string;
  readonly styles: readonly string[];
  readonly processor: string;
  /** Shown until the session arrives. */
  readonly title: string;
  /** URI of the mix file previewed; kept in the page's state so a reload restores the panel. */
  readonly document: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function previewHtml(o: PreviewPageOptions): string {
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${o.nonce}' ${o.source}`,
    `style-src ${o.source}`,
    `img-src ${o.source} data:`,
    `font-src ${o.source}`,
    `connect-src ${o.source}`,
  ].join('; ');
  const styles = o.styles.map((s) => `<link rel="stylesheet" href="${escapeHtml(s)}">`).join('\n  ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  ${styles}
  <title>${escapeHtml(o.title)}</title>
</head>
<body data-state="loading" data-processor="${escapeHtml(o.processor)}" data-document="${escapeHtml(o.document)}">
  <main id="app" aria-label="Mix preview">
    <p id="status" role="status">Loading ${escapeHtml(o.title)}…</p>
  </main>
  <script type="module" nonce="${o.nonce}" src="${escapeHtml(o.script)}"></script>
</body>
</html>
`;
}

/** A nonce for the CSP: 32 characters from a cryptographic source. */
export function makeNonce(random: (bytes: Uint8Array) => Uint8Array): string {
  return Array.from(random(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
