/** URI and path helpers that do not depend on Node, so features stay testable anywhere. */
import { URI, Utils } from 'vscode-uri';

/** The folder of a document, or null for untitled documents. */
export function documentFolder(uri: string): string | null {
  const u = URI.parse(uri);
  if (u.scheme !== 'file') return null;
  return Utils.dirname(u).fsPath;
}

const resolved = new Map<string, string>();

/** An absolute path for a path written in a mix file (relative, `/`-separated). Cached: validation asks for every clip on every keystroke. */
export function resolveAudioPath(folder: string, written: string): string {
  const key = `${folder}\u0000${written}`;
  let path = resolved.get(key);
  if (path === undefined) {
    path = Utils.resolvePath(URI.file(folder), written.replace(/\\/g, '/')).fsPath;
    if (resolved.size > 50_000) resolved.clear();
    resolved.set(key, path);
  }
  return path;
}
