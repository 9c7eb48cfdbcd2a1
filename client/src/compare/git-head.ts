/**
 * A mix file as committed at HEAD, read through VS Code's built-in git
 * extension (its API version 1), so it is the repository the Source Control
 * view shows, with the user's git and credentials. Each way this can fail
 * has its own sentence, which the command shows as it is.
 */
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { repositoryRoot } from '../../../session/src/index.js';

/** The parts of the git extension's API (extensions/git/src/api/git.d.ts) used here. */
interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}
interface GitApi {
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
  getRepository(uri: vscode.Uri): GitRepository | null;
  openRepository?(root: vscode.Uri): Promise<GitRepository | null>;
}
export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: { readonly HEAD: { readonly commit?: string } | undefined; readonly onDidChange: vscode.Event<void> };
  show(ref: string, path: string): Promise<string>;
}

export interface HeadVersion {
  readonly text: string;
  /** The commit HEAD points at. */
  readonly commit: string;
  readonly repository: GitRepository;
}

export type HeadResult = { readonly ok: true; readonly head: HeadVersion } | { readonly ok: false; readonly reason: string };

/** The git extension scans the workspace for repositories when it starts; this is how long the command waits for that. */
const SCAN_TIMEOUT_MS = 10_000;

export async function readHead(uri: vscode.Uri): Promise<HeadResult> {
  const name = basename(uri.fsPath);
  const api = await gitApi();
  if (typeof api === 'string') return { ok: false, reason: api };
  // A file outside the workspace's folders is not scanned for: asked for by its folder.
  const repository = api.getRepository(uri) ?? (await api.openRepository?.(vscode.Uri.file(dirname(uri.fsPath))).catch(() => null)) ?? null;
  if (!repository) return { ok: false, reason: await notOpened(uri) };
  const commit = repository.state.HEAD?.commit;
  if (!commit) return { ok: false, reason: `The repository of ${name} has no commits yet, so there is no HEAD to compare with.` };
  try {
    return { ok: true, head: { text: await repository.show('HEAD', uri.fsPath), commit, repository } };
  } catch {
    return { ok: false, reason: `${name} is not in HEAD (${commit.slice(0, 7)}): it has not been committed yet.` };
  }
}

/**
 * Why the git extension has no repository for the file: there is none, or
 * there is one it will not open by itself (outside the window's folders).
 */
async function notOpened(uri: vscode.Uri): Promise<string> {
  const name = basename(uri.fsPath);
  try {
    const root = await repositoryRoot(dirname(uri.fsPath));
    return `${name} is in the git repository ${root}, which VS Code's Git has not opened (it is outside this window's folders): `
      + 'open that folder, or see the setting git.openRepositoryInParentFolders.';
  } catch {
    return `${name} is not in a git repository, so it has no HEAD to compare with.`;
  }
}

/** The API once the extension has found the workspace's repositories, or why it cannot be had. */
async function gitApi(): Promise<GitApi | string> {
  const extension = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!extension) return 'The built-in Git extension is not available in this window, so HEAD cannot be read.';
  let exports: GitExtension;
  try {
    exports = extension.isActive ? extension.exports : await extension.activate();
  } catch (err) {
    return `The built-in Git extension did not start: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (!exports.enabled) return 'Git is turned off in this window (the setting git.enabled), so HEAD cannot be read.';
  let api: GitApi;
  try {
    api = exports.getAPI(1);
  } catch (err) {
    // No git executable, most often.
    return `Git is not available: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (api.state !== 'initialized') {
    await new Promise<void>((done) => {
      const timer = setTimeout(() => {
        listener.dispose();
        done();
      }, SCAN_TIMEOUT_MS);
      const listener = api.onDidChangeState((state) => {
        if (state !== 'initialized') return;
        clearTimeout(timer);
        listener.dispose();
        done();
      });
    });
  }
  return api;
}
