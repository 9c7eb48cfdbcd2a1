/**
 * "Mix: Render to WAV": the CLI's render of the text in the editor (saved or
 * not), in a worker thread, with a progress notification that can cancel.
 * The output is written to a temporary file and renamed when complete, as
 * `mixdown render` does, so a cancelled render leaves nothing behind.
 */
import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { unfinishedPath } from '../../session/src/index.js';
import { AnalysisRunner } from './preview/analysis-runner.js';

export async function renderToWav(context: vscode.ExtensionContext, uri?: vscode.Uri): Promise<void> {
  const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!document || document.languageId !== 'mix') {
    void vscode.window.showWarningMessage('Open a .mix file to render it.');
    return;
  }
  if (document.uri.scheme !== 'file') {
    void vscode.window.showWarningMessage('Save the mix file first: its audio paths are relative to its folder.');
    return;
  }
  const name = basename(document.uri.fsPath).replace(/\.mix$/i, '');
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(join(dirname(document.uri.fsPath), `${name}.wav`)),
    filters: { 'WAV audio': ['wav'] },
    saveLabel: 'Render',
    title: `Render ${basename(document.uri.fsPath)} to WAV`,
  });
  if (!target) return;
  const bits = vscode.workspace.getConfiguration('mixdown', document.uri).get<'16' | '24' | '32f'>('render.bits', '24');
  const out = target.fsPath;

  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Rendering ${basename(out)}`, cancellable: true },
    (progress, token) =>
      new Promise<{ ok: true; summary: string } | { ok: false; message: string } | null>((resolve) => {
        let reported = 0;
        const runner = new AnalysisRunner(context.asAbsolutePath('dist/preview-analysis.js'), (m) => {
          if (m.type === 'progress') {
            const percent = Math.floor(m.fraction * 100);
            if (percent > reported) {
              progress.report({ increment: percent - reported, message: `${percent}%` });
              reported = percent;
            }
          } else if (m.type === 'rendered') {
            void runner.stop();
            resolve({ ok: true, summary: m.summary });
          } else if (m.type === 'failed') {
            void runner.stop();
            resolve({ ok: false, message: m.message });
          }
        });
        token.onCancellationRequested(async () => {
          // Stopped first, so it cannot write again; then its unfinished file goes (the worker shares this process's id, which names it).
          await runner.stop();
          await rm(unfinishedPath(out), { force: true });
          resolve(null);
        });
        runner.start({ type: 'render', file: document.uri.fsPath, text: document.getText(), out, bits });
      }),
  );
  if (!outcome) return;
  if (!outcome.ok) {
    void vscode.window.showErrorMessage(`Render failed: ${outcome.message}`);
    return;
  }
  const reveal = 'Reveal in File Explorer';
  const choice = await vscode.window.showInformationMessage(`Rendered ${basename(out)}: ${outcome.summary}`, reveal);
  if (choice === reveal) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(out));
}
