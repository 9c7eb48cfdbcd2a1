/**
 * Tests run inside VS Code's extension host: VS Code desktop's through
 * test/vscode/run.mjs (`npm run test:vscode`; see that file for how and
 * where it can run), and code-server's through
 * test/e2e/vscode-suite.e2e.test.ts (`npm run test:e2e`, which runs here).
 * They use only `node:assert` and the `vscode` API: VS Code calls `run()`
 * and takes a rejection as failure. The last line printed is
 * "N passed, N failed".
 *
 * The workspace is a copy of examples/night-drive (MIXDOWN_TEST_WORKSPACE,
 * else the first workspace folder). Edits go to untitled mix documents,
 * never to the session file, except in the last test (Compare with HEAD),
 * which edits, saves and commits it in the workspace's git repository.
 */
'use strict';
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vscode = require('vscode');

const EXTENSION_ID = 'mixdown.mixdown';
const TIMEOUT_MS = 30_000;

/** Polls `probe` until it returns something truthy, or fails with `what` after the timeout. */
async function waitFor(what, probe, timeoutMs = TIMEOUT_MS) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

function sessionUri() {
  const folder = process.env.MIXDOWN_TEST_WORKSPACE || vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(folder, 'no workspace: run this suite through test/vscode/run.mjs');
  return vscode.Uri.file(path.join(folder, 'night-drive.mix'));
}

async function openMix(content) {
  return vscode.workspace.openTextDocument({ language: 'mix', content });
}

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('the extension activates on a .mix file', async () => {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  const document = await vscode.workspace.openTextDocument(sessionUri());
  await vscode.window.showTextDocument(document);
  assert.equal(document.languageId, 'mix');
  await waitFor(`${EXTENSION_ID} to activate`, () => extension.isActive);
});

test('the language server reports a wrong unit, and forgets it once fixed', async () => {
  const document = await openMix('track kick {\n  file "stems/kick.wav"\n  gain -1.5 Hz\n}\n');
  await vscode.window.showTextDocument(document);
  const wrongUnit = () => vscode.languages.getDiagnostics(document.uri).find((d) => String(d.code?.value ?? d.code) === 'wrong-unit');
  const diagnostic = await waitFor('a wrong-unit diagnostic', wrongUnit);
  assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
  assert.equal(diagnostic.range.start.line, 2);
  assert.match(diagnostic.message, /'Hz'.*'dB'/);

  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(2, 12, 2, 14), 'dB');
  assert.ok(await vscode.workspace.applyEdit(edit));
  await waitFor('the wrong-unit diagnostic to go', () => !wrongUnit());
});

test('completion offers the statement keywords of a track', async () => {
  const document = await openMix('track vox {\n  \n}\n');
  await waitFor(`${EXTENSION_ID} to be active`, () => vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
  // The server may still be starting: ask until it answers with items.
  const list = await waitFor('completion items', async () => {
    const result = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', document.uri, new vscode.Position(1, 2));
    return result && result.items.length > 0 ? result : null;
  });
  const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
  for (const keyword of ['file', 'clip', 'gain', 'pan', 'eq', 'comp', 'to', 'send']) {
    assert.ok(labels.includes(keyword), `completion should offer '${keyword}' (got ${labels.join(', ')})`);
  }
  assert.ok(!labels.includes('target'), '`target` belongs to master only');
  const gain = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'gain');
  assert.equal(gain.kind, vscode.CompletionItemKind.Keyword);
});

test('mixdown.openPreview opens a webview panel of type mixdown.preview', async () => {
  const document = await vscode.workspace.openTextDocument(sessionUri());
  await vscode.window.showTextDocument(document);
  await vscode.commands.executeCommand('mixdown.openPreview');
  const tab = await waitFor('the preview tab', () =>
    vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      // Tabs report an extension's webview type with a prefix (`mainThreadWebview-mixdown.preview`).
      .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('mixdown.preview')),
  );
  assert.match(tab.label, /night-drive\.mix/);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});

test('mixdown.renderToWav is registered', async () => {
  const commands = await vscode.commands.getCommands(true);
  for (const id of ['mixdown.renderToWav', 'mixdown.openPreview', 'mixdown.restartServer', 'mixdown.openExample']) {
    assert.ok(commands.includes(id), `command ${id} is not registered`);
  }
});

/**
 * The workspace as a git repository with the session committed: the
 * end-to-end harness commits it; elsewhere it is made one here. Returns a
 * runner of git commands in it.
 */
function sessionRepository() {
  const folder = path.dirname(sessionUri().fsPath);
  const git = (...args) => execFileSync('git', ['-c', 'user.name=Mix Tester', '-c', 'user.email=mix@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd: folder });
  if (!fs.existsSync(path.join(folder, '.git'))) {
    git('init', '--quiet');
    git('add', 'night-drive.mix');
    git('commit', '--quiet', '--message', 'The session');
  }
  return git;
}

test('Compare with HEAD says why it cannot compare a file that is not in a git repository', async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mixdown-no-git-'));
  const file = path.join(folder, 'loose.mix');
  fs.copyFileSync(sessionUri().fsPath, file);
  const outcome = await vscode.commands.executeCommand('mixdown.compareWithHead', vscode.Uri.file(file));
  assert.equal(outcome.ok, false);
  assert.match(outcome.reason, /^loose\.mix is not in a git repository/);

  const untitled = await openMix('track vox {\n  gain -3 dB\n}\n');
  await vscode.window.showTextDocument(untitled);
  const unsaved = await vscode.commands.executeCommand('mixdown.compareWithHead');
  assert.equal(unsaved.ok, false);
  assert.match(unsaved.reason, /is not a file on disk/);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});

test('Compare with HEAD from the Source Control view: the semantic diff beside the editor follows edits, saves and commits', async () => {
  const git = sessionRepository();
  const uri = sessionUri();
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  // What the Source Control view's menu passes: the clicked resource state.
  const outcome = await vscode.commands.executeCommand('mixdown.compareWithHead', { resourceUri: uri });
  assert.ok(outcome.ok, outcome.reason);
  const diff = () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === outcome.diff.toString())?.getText() ?? '';
  await waitFor('the diff document', () => /^no mix changes$/m.test(diff()));
  assert.match(diff(), /^night-drive\.mix: HEAD \([0-9a-f]{7}\) -> working copy$/m);
  const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === outcome.diff.toString());
  assert.ok(shown, 'the diff is shown');
  assert.notEqual(shown.viewColumn, vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString())?.viewColumn, 'beside the editor');

  // An edit, not saved: the diff shows it at once.
  const at = document.getText().indexOf('gain -1.5 dB');
  assert.ok(at >= 0, 'the session has `gain -1.5 dB`');
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(document.positionAt(at), document.positionAt(at + 'gain -1.5 dB'.length)), 'gain -4.5 dB');
  assert.ok(await vscode.workspace.applyEdit(edit));
  await waitFor('the edit in the diff', () => diff().includes('~ track kick: gain -1.5 dB -> -4.5 dB') && diff().includes('-> working copy (unsaved)'));
  // Saved, then committed: HEAD moves, and the diff follows it.
  assert.ok(await document.save());
  await waitFor('the saved heading', () => /-> working copy$/m.test(diff()));
  git('commit', '--quiet', '--all', '--message', 'Kick down 3 dB');
  await waitFor('the diff to follow the new HEAD', () => /^no mix changes$/m.test(diff()), 60_000);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});

async function run() {
  let passed = 0;
  const failures = [];
  for (const { name, fn } of tests) {
    try {
      await fn();
      passed++;
      console.log(`  ok   ${name}`);
    } catch (err) {
      failures.push(name);
      console.error(`  FAIL ${name}\n${err && err.stack ? err.stack : err}`);
    }
  }
  console.log(`${passed} passed, ${failures.length} failed`);
  if (failures.length > 0) throw new Error(`${failures.length} of ${tests.length} tests failed: ${failures.join('; ')}`);
}

module.exports = { run };
