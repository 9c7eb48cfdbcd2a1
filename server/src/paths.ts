/** URI and path helpers that do not depend on Node, so features stay testable anywhere. */
import { URI, Utils } from 'vscode-uri';

/** The folder of a document, or null for untitled documents. */
export function documentFolder(uri: string): string | null {
  const u = URI.parse(uri);
  if (u.scheme !== 'file') return null;
  return Utils.dirname(u).fsPath;
}

/** An absolute path for a path written in a mix file (relative, `/`-separated). */
export function resolveAudioPath(folder: string, written: string): string {
  const u = Utils.resolvePath(URI.file(folder), written.replace(/\\/g, '/'));
  return u.fsPath;
}

export function fileUri(path: string): string {
  return URI.file(path).toString();
}
