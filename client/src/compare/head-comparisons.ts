/**
 * "Mix: Compare with HEAD": the semantic diff of a mix file against its
 * committed version, in a read-only document beside the editor that follows
 * every edit, and HEAD's render on the preview's A/B buttons,
 * loudness-matched to the mix.
 *
 * A comparison stays for the window's life once made: the diff document
 * and the preview follow the file's edits and the repository's HEAD (a new
 * commit, a checkout) until the window closes.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { describeComparison } from './describe.js';
import { readHead, type HeadVersion } from './git-head.js';

export const COMPARE_SCHEME = 'mixdown-compare';
/** The diff follows typing after this pause. */
const REFRESH_DELAY_MS = 250;

/** What the command did: the tests of the extension read it; a person reads the editor or the message. */
export type CompareOutcome = { readonly ok: true; readonly diff: vscode.Uri } | { readonly ok: false; readonly reason: string };

/** Whatever plays the mix of a file and can A/B it against another version of it (the preview). */
export interface VersionListener {
  compareWith(version: { label: string; description: string; text: string } | null): void;
}

interface Comparison {
  readonly file: vscode.Uri;
  readonly diff: vscode.Uri;
  head: HeadVersion;
  readonly watch: vscode.Disposable;
}

export class HeadComparisons implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /** By the mix file's URI. */
  private readonly comparisons = new Map<string, Comparison>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];

  /** `previewOf` finds the open preview of a file; `openPreview` opens one. */
  constructor(
    private readonly previewOf: (file: vscode.Uri) => VersionListener | undefined,
    private readonly openPreview: (document: vscode.TextDocument) => VersionListener,
  ) {
    const refreshLater = (document: vscode.TextDocument) => {
      const key = document.uri.toString();
      if (!this.comparisons.has(key)) return;
      clearTimeout(this.timers.get(key));
      this.timers.set(key, setTimeout(() => this.refresh(key), REFRESH_DELAY_MS));
    };
    this.disposables.push(
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(COMPARE_SCHEME, this),
      vscode.workspace.onDidChangeTextDocument((e) => refreshLater(e.document)),
      // Saved: the heading no longer says "unsaved".
      vscode.workspace.onDidSaveTextDocument(refreshLater),
    );
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const c of this.comparisons.values()) c.watch.dispose();
    this.comparisons.clear();
    for (const d of this.disposables) d.dispose();
  }

  /**
   * The command: `target` is the editor title's file, a Source Control
   * view's changed file, or nothing (the active editor's).
   */
  async compare(target: unknown): Promise<CompareOutcome> {
    const file = fileOf(target) ?? vscode.window.activeTextEditor?.document.uri;
    if (!file) return refuse('Open a .mix file to compare it with HEAD.');
    if (file.scheme !== 'file') return refuse(`${basename(file.path)} is not a file on disk, so it has no HEAD to compare with: save it in a git repository first.`);
    if (!/\.mix$/i.test(file.fsPath)) return refuse(`${basename(file.fsPath)} is not a mix file: Compare with HEAD compares .mix files.`);
    let document: vscode.TextDocument;
    try {
      document = await vscode.workspace.openTextDocument(file);
    } catch {
      return refuse(`${basename(file.fsPath)} cannot be opened (deleted in the working tree?), so there is nothing to compare with HEAD.`);
    }
    const read = await readHead(file);
    if (!read.ok) return refuse(read.reason);

    const key = file.toString();
    let comparison = this.comparisons.get(key);
    if (comparison) {
      comparison.head = read.head;
    } else {
      const diff = vscode.Uri.from({ scheme: COMPARE_SCHEME, path: `/${basename(file.fsPath)} — changes since HEAD`, query: key });
      const repository = read.head.repository;
      // A commit or a checkout moves HEAD: the diff and the preview follow.
      const watch = repository.state.onDidChange(() => {
        const c = this.comparisons.get(key);
        if (c && repository.state.HEAD?.commit && repository.state.HEAD.commit !== c.head.commit) void this.reread(key);
      });
      comparison = { file, diff, head: read.head, watch };
      this.comparisons.set(key, comparison);
    }
    // The preview first, then the diff over it in the same column: the command shows the diff; the preview's tab is beside it.
    const preview = this.previewOf(file) ?? this.openPreview(document);
    this.offerTo(file, preview);
    const shown = await vscode.workspace.openTextDocument(comparison.diff);
    this.changed.fire(comparison.diff);
    await vscode.window.showTextDocument(shown, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: false });
    return { ok: true, diff: comparison.diff };
  }

  /** Gives a newly opened preview the comparison of its file, when there is one. */
  offerTo(file: vscode.Uri, preview: VersionListener): void {
    const c = this.comparisons.get(file.toString());
    if (c) preview.compareWith({ label: 'HEAD', description: `HEAD (${c.head.commit.slice(0, 7)}), as committed`, text: c.head.text });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const c = this.comparisons.get(uri.query);
    if (!c) return 'This comparison has ended (the window was reloaded, or the file is no longer in HEAD): run "Mix: Compare with HEAD" again.\n';
    const name = basename(c.file.fsPath);
    let working: vscode.TextDocument;
    try {
      working = await vscode.workspace.openTextDocument(c.file);
    } catch {
      return `${name} cannot be read any more (deleted or renamed?): nothing to compare with HEAD.\n`;
    }
    const older = { label: `HEAD (${c.head.commit.slice(0, 7)})`, text: c.head.text };
    const newer = { label: working.isDirty ? 'working copy (unsaved)' : 'working copy', text: working.getText() };
    return describeComparison(older, newer, name);
  }

  private refresh(key: string): void {
    this.timers.delete(key);
    const c = this.comparisons.get(key);
    if (c) this.changed.fire(c.diff);
  }

  /** HEAD moved: read the file there again; a file no longer in HEAD ends the comparison. */
  private async reread(key: string): Promise<void> {
    const c = this.comparisons.get(key);
    if (!c) return;
    const read = await readHead(c.file);
    if (!read.ok) {
      c.watch.dispose();
      this.comparisons.delete(key);
      this.previewOf(c.file)?.compareWith(null);
      this.changed.fire(c.diff);
      return;
    }
    c.head = read.head;
    const preview = this.previewOf(c.file);
    if (preview) this.offerTo(c.file, preview);
    this.changed.fire(c.diff);
  }
}

function refuse(reason: string): CompareOutcome {
  void vscode.window.showInformationMessage(reason);
  return { ok: false, reason };
}

/** The file a menu passed: a URI (editor title, explorer) or a Source Control resource (its `resourceUri`). */
function fileOf(target: unknown): vscode.Uri | undefined {
  if (target instanceof vscode.Uri) return target;
  const resource = (target as { resourceUri?: unknown } | undefined)?.resourceUri;
  return resource instanceof vscode.Uri ? resource : undefined;
}
