/**
 * The extension host entry: starts the mix language server and registers
 * the commands and the preview panel. Language features live in the server
 * (server/), the language itself in grammar/, the preview's page in media/;
 * this file is wiring only.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { EXAMPLE_AUDIO_COMMAND, EXAMPLE_SESSION, missingAudio } from './example.js';
import { PREVIEW_VIEW_TYPE, PreviewPanel } from './preview/panel.js';
import { renderToWav } from './render-command.js';
import { HeadComparisons } from './compare/head-comparisons.js';
import type { PageState } from '../../media/preview/protocol.js';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const wavWatcher = vscode.workspace.createFileSystemWatcher('**/*.wav');
  context.subscriptions.push(wavWatcher);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'mix' },
      { scheme: 'untitled', language: 'mix' },
    ],
    // Audio files change under a session (a new take, a re-bounce): the server
    // re-reads their headers for diagnostics and hovers.
    synchronize: { fileEvents: wavWatcher },
  };
  // The id matches the `mixdown.trace.server` setting.
  client = new LanguageClient('mixdown', 'Mix Language Server', serverOptions, clientOptions);

  const comparisons = new HeadComparisons(
    (file) => PreviewPanel.forDocument(file),
    (document) => PreviewPanel.show(context, document),
  );
  context.subscriptions.push(
    comparisons,
    vscode.commands.registerCommand('mixdown.openExample', () => openExample(context)),
    vscode.commands.registerCommand('mixdown.restartServer', async () => {
      if (!client) return;
      await client.restart();
      vscode.window.setStatusBarMessage('Mix language server restarted', 3000);
    }),
    vscode.commands.registerCommand('mixdown.openPreview', async (uri?: vscode.Uri) => {
      const document = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
      if (!document || document.languageId !== 'mix') {
        void vscode.window.showWarningMessage('Open a .mix file to preview it.');
        return;
      }
      comparisons.offerTo(document.uri, PreviewPanel.show(context, document));
    }),
    vscode.commands.registerCommand('mixdown.compareWithHead', (target?: unknown) => comparisons.compare(target)),
    vscode.commands.registerCommand('mixdown.togglePlayback', () => {
      const document = vscode.window.activeTextEditor?.document;
      if (document) PreviewPanel.forDocument(document.uri)?.togglePlay();
    }),
    vscode.commands.registerCommand('mixdown.renderToWav', (uri?: vscode.Uri) => renderToWav(context, uri instanceof vscode.Uri ? uri : undefined)),
    // After a reload, previews come back where they were, playing the same file.
    vscode.window.registerWebviewPanelSerializer(PREVIEW_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: PageState | undefined) {
        if (!state?.document) {
          panel.dispose();
          return;
        }
        const uri = vscode.Uri.parse(state.document);
        comparisons.offerTo(uri, PreviewPanel.revive(context, panel, uri));
      },
    }),
  );

  try {
    await client.start();
  } catch (err) {
    void vscode.window.showErrorMessage(`The mix language server did not start: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/** Opens the bundled example in place, so its relative audio paths resolve. */
async function openExample(context: vscode.ExtensionContext): Promise<void> {
  const uri = vscode.Uri.file(context.asAbsolutePath(EXAMPLE_SESSION));
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false });
  const missing = missingAudio(uri.fsPath, document.getText());
  if (missing.length === 0) return;
  const copy = 'Copy Command';
  const choice = await vscode.window.showWarningMessage(
    `The example's audio is not generated yet (${missing.length} file${missing.length === 1 ? '' : 's'} missing, e.g. ${missing[0]}). ` +
      `Run \`${EXAMPLE_AUDIO_COMMAND}\` in ${context.extensionPath} to synthesise it (a few seconds).`,
    copy,
  );
  if (choice === copy) await vscode.env.clipboard.writeText(EXAMPLE_AUDIO_COMMAND);
}
