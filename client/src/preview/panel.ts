/**
 * The preview panel beside a mix file's editor: a webview that plays the mix
 * through the engine (media/preview). This side checks the text after every
 * edit and sends the page the model, or the problems; a worker measures the
 * `trim auto` gains and renders the whole mix for the overview, the `target`
 * gain and the loudness that A/B matches.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { makeNonce, previewHtml } from './html.js';
import { toWire, type AudioRef, type ComparedVersion, type FromPage, type ToPage } from '../../../media/preview/protocol.js';
import type { FromWorker } from './analysis-protocol.js';
import { AnalysisRunner } from './analysis-runner.js';
import { SessionChecker, type ChannelSpan, type SessionFile } from './session.js';
import { pruneFrozenFolders, readStemIndex, textHash, writeStemIndex, type FrozenStem } from './frozen-stems.js';
import { unfinishedPath } from '../../../session/src/index.js';

export const PREVIEW_VIEW_TYPE = 'mixdown.preview';
/** Renders of compared versions, in the extension's global storage. */
const COMPARE_FOLDER = 'compare';
/** Frozen stems of the summing groups, a folder per previewed file, in the extension's global storage. */
const FROZEN_FOLDER = 'frozen';
/** Mix files besides those with a preview open whose stems are kept on disk (the last previewed). */
const KEPT_STEM_FOLDERS = 2;
/** Edits are checked this long after the last keystroke. */
const EDIT_DELAY_MS = 15;
/** The whole-mix analysis waits for typing to pause this long. */
const ANALYSIS_DELAY_MS = 600;
/** Min/max pairs in the overview: enough for a wide panel on a high-density screen. */
const OVERVIEW_BUCKETS = 2400;

export class PreviewPanel implements vscode.Disposable {
  private static readonly panels = new Map<string, PreviewPanel>();

  /** Opens (or reveals) the preview of `document` beside it. */
  static show(context: vscode.ExtensionContext, document: vscode.TextDocument): PreviewPanel {
    const key = document.uri.toString();
    const existing = PreviewPanel.panels.get(key);
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside, true);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(PREVIEW_VIEW_TYPE, title(document.uri), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      // Audio plays on while the panel is in a background tab.
      retainContextWhenHidden: true,
      localResourceRoots: resourceRoots(context, document.uri),
    });
    return new PreviewPanel(context, panel, document.uri);
  }

  /** Restores a panel after a reload (the panel serializer). */
  static revive(context: vscode.ExtensionContext, panel: vscode.WebviewPanel, uri: vscode.Uri): PreviewPanel {
    panel.webview.options = { enableScripts: true, localResourceRoots: resourceRoots(context, uri) };
    return new PreviewPanel(context, panel, uri);
  }

  static forDocument(uri: vscode.Uri): PreviewPanel | undefined {
    return PreviewPanel.panels.get(uri.toString());
  }

  private readonly disposables: vscode.Disposable[] = [];
  private readonly checker = new SessionChecker();
  private readonly runner: AnalysisRunner;
  private generation = 0;
  private editTimer: NodeJS.Timeout | undefined;
  private analysisTimer: NodeJS.Timeout | undefined;
  private checking = 0;
  /** Loudness of references measured so far, by absolute path and version. */
  private referenceLoudness: Record<string, number | null> = {};
  private ready = false;
  private analysed = false;
  /** Renders the version to compare with; a new render replaces one under way. */
  private readonly versionRunner: AnalysisRunner;
  /** The version to compare with (its text), and where its render stands. */
  private version: { readonly label: string; readonly description: string; readonly text: string } | null = null;
  private compared: ComparedVersion | null = null;
  /** The stem files of the last two analyses: older ones are deleted (the page may still play the last but one for a moment). */
  private stemFiles: readonly string[][] = [];
  /** The text the analysis under way was made for (by hash), and the `trim auto` gains it measured. */
  private analysing: { generation: number; text: string; trims: Readonly<Record<string, number>> } | null = null;
  /** Where each channel is in the text, as of the last valid check, and the channel the cursor was last in. */
  private channelSpans: readonly ChannelSpan[] = [];
  private focused: string | null = null;

  private constructor(private readonly context: vscode.ExtensionContext, readonly panel: vscode.WebviewPanel, readonly uri: vscode.Uri) {
    PreviewPanel.panels.set(uri.toString(), this);
    this.runner = new AnalysisRunner(context.asAbsolutePath('dist/preview-analysis.js'), (m) => this.fromWorker(m));
    this.versionRunner = new AnalysisRunner(context.asAbsolutePath('dist/preview-analysis.js'), (m) => this.fromVersionWorker(m));
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'mix-file.svg');
    panel.webview.html = this.html();
    const open = [...PreviewPanel.panels.values()].map((p) => p.frozenFolder());
    void pruneFrozenFolders(join(context.globalStorageUri.fsPath, FROZEN_FOLDER), open, KEPT_STEM_FOLDERS);
    const audioWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dirname(uri.fsPath)), '**/*.wav'));
    const audioChanged = (file: vscode.Uri) => {
      this.checker.invalidate(file.fsPath);
      this.scheduleCheck();
      // The compared version plays the same audio files: its render is redone too (its own file excepted, which is not in this folder).
      if (this.version && file.fsPath !== this.versionFile()) this.renderVersion();
    };
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: FromPage) => this.fromPage(m)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === uri.toString() && e.contentChanges.length > 0) this.scheduleCheck();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor.document.uri.toString() === uri.toString()) this.cursorAt(e.textEditor.document.offsetAt(e.selections[0]!.active));
      }),
      audioWatcher,
      audioWatcher.onDidChange(audioChanged),
      audioWatcher.onDidCreate(audioChanged),
      audioWatcher.onDidDelete(audioChanged),
    );
  }

  dispose(): void {
    PreviewPanel.panels.delete(this.uri.toString());
    clearTimeout(this.editTimer);
    clearTimeout(this.analysisTimer);
    // The stems stay: the panel opened again plays them at once (pruneFrozenFolders bounds them).
    void this.runner.stop();
    void this.versionRunner.stop().then(() => this.removeVersionFiles());
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }

  /**
   * Offers `version` (another text of this mix, e.g. as committed at HEAD)
   * on the A/B buttons, loudness-matched to the mix; null takes it away.
   * Its render, by the CLI's renderer with this file's audio, goes to the
   * extension's storage, replacing the last.
   */
  compareWith(version: { label: string; description: string; text: string } | null): void {
    if (version && this.version && version.text === this.version.text && version.label === this.version.label) return;
    this.version = version;
    if (version) {
      this.renderVersion();
      return;
    }
    void this.versionRunner.stop().then(() => this.removeVersionFiles());
    this.setCompared(null);
  }

  /** The render and, should a render have been stopped half-way, its unfinished file. */
  private async removeVersionFiles(): Promise<void> {
    const out = this.versionFile();
    await Promise.all([rm(out, { force: true }), rm(unfinishedPath(out), { force: true })]);
  }

  private versionFile(): string {
    const id = createHash('sha256').update(this.uri.toString()).digest('hex').slice(0, 16);
    return join(this.context.globalStorageUri.fsPath, COMPARE_FOLDER, `${id}.wav`);
  }

  private renderVersion(): void {
    const v = this.version;
    if (!v) return;
    this.setCompared({ label: v.label, description: v.description, state: 'rendering' });
    const out = this.versionFile();
    void mkdir(dirname(out), { recursive: true }).then(
      () => this.versionRunner.start({ type: 'render', file: this.uri.fsPath, text: v.text, version: v.label, out, bits: '32f' }),
      (err: Error) => this.setCompared({ label: v.label, description: v.description, state: 'failed', problem: `cannot write ${out}: ${err.message}` }),
    );
  }

  private fromVersionWorker(m: FromWorker): void {
    const v = this.version;
    if (!v || (m.type !== 'rendered' && m.type !== 'failed')) return;
    void this.versionRunner.stop();
    if (m.type === 'failed') {
      this.setCompared({ label: v.label, description: v.description, state: 'failed', problem: m.message });
      return;
    }
    void stat(m.out).then((s) => {
      if (this.version !== v) return; // replaced meanwhile
      const audio: AudioRef = { path: m.out, url: this.panel.webview.asWebviewUri(vscode.Uri.file(m.out)).toString(), version: `${s.size}-${s.mtimeMs}` };
      this.setCompared({ label: v.label, description: v.description, state: 'ready', audio, integratedLufs: Number.isFinite(m.integratedLufs) ? m.integratedLufs : null });
    });
  }

  private setCompared(compared: ComparedVersion | null): void {
    this.compared = compared;
    if (this.ready) this.post({ type: 'compared', compared });
  }

  /** Tells the page which channel the editor's cursor is in, when that changes (see FocusMessage). */
  private cursorAt(offset: number): void {
    const channel = this.channelSpans.find((c) => offset >= c.start && offset <= c.end)?.name ?? null;
    if (channel === this.focused || !this.ready) return;
    this.focused = channel;
    this.post({ type: 'focus', channel });
  }

  /** Play or pause, from the editor's key binding. */
  togglePlay(): void {
    this.post({ type: 'transport', command: 'togglePlay' });
  }

  private html(): string {
    const webview = this.panel.webview;
    const media = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'media', ...p)).toString();
    return previewHtml({
      source: webview.cspSource,
      nonce: makeNonce((b) => randomFillSync(b)),
      script: media('preview', 'main.js'),
      styles: [media('preview', 'widgets.css'), media('preview', 'preview.css')],
      processor: media('worklet', 'processor.js'),
      title: title(this.uri),
      document: this.uri.toString(),
    });
  }

  private post(m: ToPage): void {
    void this.panel.webview.postMessage(toWire(m));
  }

  private fromPage(m: FromPage): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        // The stems of the last analysis first, so the first session already plays them.
        void this.restoreStems().finally(() => this.check());
        if (this.compared) this.post({ type: 'compared', compared: this.compared });
        break;
      case 'reveal':
        void this.reveal(m.line);
        break;
      case 'render':
        void vscode.commands.executeCommand('mixdown.renderToWav', this.uri);
        break;
    }
  }

  private async reveal(line: number): Promise<void> {
    const document = await vscode.workspace.openTextDocument(this.uri);
    const position = new vscode.Position(Math.max(0, line - 1), 0);
    // In the column where the file is open already, else the first.
    const open = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.uri.toString());
    await vscode.window.showTextDocument(document, { viewColumn: open?.viewColumn ?? vscode.ViewColumn.One, selection: new vscode.Range(position, position) });
  }

  private scheduleCheck(): void {
    clearTimeout(this.editTimer);
    this.editTimer = setTimeout(() => void this.check(), EDIT_DELAY_MS);
  }

  private async check(): Promise<void> {
    try {
      await this.checkNow();
    } catch (err) {
      // The file went away (deleted, renamed, or gone since the window was reloaded).
      this.post({ type: 'invalid', fileName: fileNameOf(this.uri), problems: [{ line: 1, message: `cannot be read: ${err instanceof Error ? err.message : String(err)}` }] });
    }
  }

  private async checkNow(): Promise<void> {
    if (!this.ready) return;
    const document = await vscode.workspace.openTextDocument(this.uri);
    const text = document.getText();
    const ticket = ++this.checking;
    const result = await this.checker.check(this.uri.fsPath, text);
    if (ticket !== this.checking) return; // a newer edit is being checked
    const fileName = fileNameOf(this.uri);
    if (!result.ok) {
      this.post({ type: 'invalid', fileName, problems: result.problems });
      return;
    }
    const generation = ++this.generation;
    const ref = (f: SessionFile): AudioRef => ({ path: f.written, url: this.panel.webview.asWebviewUri(vscode.Uri.file(f.absolute)).toString(), version: f.version });
    this.channelSpans = result.channelSpans;
    this.post({
      type: 'session',
      generation,
      fileName,
      model: result.model,
      audio: result.audio.map(ref),
      references: Object.fromEntries(Object.entries(result.references).map(([name, f]) => [name, ref(f)])),
      warnings: result.warnings,
    });
    clearTimeout(this.analysisTimer);
    // The first one at once (`trim auto` levels come from it); later ones when typing pauses.
    const delay = this.analysed ? ANALYSIS_DELAY_MS : 0;
    this.analysed = true;
    this.analysisTimer = setTimeout(() => {
      this.analysing = { generation, text: textHash(text), trims: {} };
      this.runner.start({
        type: 'analyse',
        file: this.uri.fsPath,
        model: result.model,
        generation,
        buckets: OVERVIEW_BUCKETS,
        knownReferences: this.referenceLoudness,
        references: Object.entries(result.references).map(([name, f]) => ({ name, absolute: f.absolute, version: f.version })),
        freeze: { folder: this.frozenFolder(), versions: Object.fromEntries(result.audio.map((f) => [f.written, f.version])) },
      });
    }, delay);
  }

  private frozenFolder(): string {
    const id = createHash('sha256').update(this.uri.toString()).digest('hex').slice(0, 16);
    return join(this.context.globalStorageUri.fsPath, FROZEN_FOLDER, id);
  }

  /**
   * Hands the page the stems the last analysis of this file left (a panel
   * opened again), and the `trim auto` gains measured then if the text is
   * still the same. Groups whose signature is unchanged play frozen at once.
   */
  private async restoreStems(): Promise<void> {
    const index = await readStemIndex(this.frozenFolder());
    if (!index || index.stems.length === 0) return;
    const document = await vscode.workspace.openTextDocument(this.uri);
    if (textHash(document.getText()) === index.text && Object.keys(index.trims).length > 0) this.post({ type: 'trims', generation: 0, trims: index.trims });
    this.keepStems(index.stems);
    this.postStems(index.stems);
  }

  /** `stems` are the last analysis's: those of the last two stay on disk (the page may still play the older for a moment). */
  private keepStems(stems: readonly FrozenStem[]): void {
    this.stemFiles = [...this.stemFiles.slice(-1), stems.map((f) => f.file)];
  }

  /** The stems to play frozen. */
  private postStems(stems: readonly FrozenStem[]): void {
    this.post({
      type: 'frozen',
      stems: stems.map((f) => ({
        signature: f.signature,
        // The file's name is a hash of the signature, so its contents never change: it is its own version.
        audio: { path: f.file, url: this.panel.webview.asWebviewUri(vscode.Uri.file(f.file)).toString(), version: basename(f.file) },
      })),
    });
  }

  /** Deletes the stems neither of the last two analyses uses (keepStems). */
  private async pruneStems(): Promise<void> {
    const keep = new Set(this.stemFiles.flat());
    const folder = this.frozenFolder();
    for (const name of await readdir(folder).catch(() => [] as string[])) {
      const file = join(folder, name);
      if (!keep.has(file) && name.endsWith('.wav')) await rm(file, { force: true });
    }
  }

  private fromWorker(m: FromWorker): void {
    switch (m.type) {
      case 'trims':
        if (this.analysing?.generation === m.generation) this.analysing.trims = m.trims;
        this.post({ type: 'trims', generation: m.generation, trims: m.trims });
        break;
      case 'analysis': {
        this.referenceLoudness = { ...this.referenceLoudness, ...m.referenceLoudness };
        this.post({ type: 'analysis', analysis: m.analysis });
        this.keepStems(m.frozen);
        this.postStems(m.frozen);
        void this.pruneStems();
        const analysed = this.analysing;
        if (analysed?.generation === m.analysis.generation) void writeStemIndex(this.frozenFolder(), { text: analysed.text, trims: analysed.trims, stems: m.frozen }).catch(() => {});
        void this.runner.stop();
        break;
      }
      case 'failed':
        this.post({ type: 'analysisFailed', generation: m.generation ?? this.generation, message: m.message });
        void this.runner.stop();
        break;
      default:
        break;
    }
  }
}

function fileNameOf(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? 'mix';
}

function title(uri: vscode.Uri): string {
  return `Preview ${fileNameOf(uri)}`;
}

/** The extension's built media, the workspace, and the mix file's own folder (its audio may sit outside the workspace). */
function resourceRoots(context: vscode.ExtensionContext, uri: vscode.Uri): vscode.Uri[] {
  const roots = [vscode.Uri.joinPath(context.extensionUri, 'dist', 'media'), vscode.Uri.joinPath(context.extensionUri, 'media')];
  roots.push(vscode.Uri.joinPath(context.globalStorageUri, COMPARE_FOLDER));
  roots.push(vscode.Uri.joinPath(context.globalStorageUri, FROZEN_FOLDER));
  for (const f of vscode.workspace.workspaceFolders ?? []) roots.push(f.uri);
  if (uri.scheme === 'file') roots.push(vscode.Uri.file(dirname(uri.fsPath)));
  return roots;
}
