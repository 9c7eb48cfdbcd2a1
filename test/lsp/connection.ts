/**
 * The real language server, in-process, over a real LSP connection: two
 * PassThrough streams carry JSON-RPC between `startServer` (through
 * vscode-languageserver's own connection) and an `LspClient`. Requests are
 * real requests; diagnostics are awaited as the notifications arrive.
 *
 * Helpers take mix text with markers:
 *   `<|>`       the cursor
 *   `[[...]]`   a range that a result is expected to name (definition, references)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { expect } from 'vitest';
import {
  createProtocolConnection, StreamMessageReader as ClientReader, StreamMessageWriter as ClientWriter,
  type CodeAction, type CompletionItem, type Diagnostic, type Location, type Position,
  type PublishDiagnosticsParams, type Range, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { createConnection, StreamMessageReader, StreamMessageWriter, type Connection } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import type { FileHost } from '../../session/src/index.js';
import { nodeFileHost } from '../../session/src/index.js';
import { startServer } from '../../server/src/server.js';
import { codesOf, LspClient } from './client.js';

export { codesOf } from './client.js';

// ---- markers ---------------------------------------------------------------------------------

export interface Marked {
  /** The text with every marker removed. */
  readonly text: string;
  /** Where `<|>` was, if anywhere. */
  readonly cursor: Position | undefined;
  readonly cursorOffset: number | undefined;
  /** Each `[[...]]`, in order. */
  readonly ranges: Range[];
}

export function parseMarkers(marked: string): Marked {
  let text = '';
  let cursorOffset: number | undefined;
  const spans: { start: number; end: number }[] = [];
  const open: number[] = [];
  for (let i = 0; i < marked.length; ) {
    if (marked.startsWith('<|>', i)) {
      if (cursorOffset !== undefined) throw new Error('more than one <|> cursor');
      cursorOffset = text.length;
      i += 3;
    } else if (marked.startsWith('[[', i)) {
      open.push(text.length);
      i += 2;
    } else if (marked.startsWith(']]', i)) {
      const start = open.pop();
      if (start === undefined) throw new Error(']] without [[');
      spans.push({ start, end: text.length });
      i += 2;
    } else {
      text += marked[i];
      i += 1;
    }
  }
  if (open.length > 0) throw new Error('[[ without ]]');
  spans.sort((a, b) => a.start - b.start);
  const doc = TextDocument.create('file:///marked.mix', 'mix', 0, text);
  return {
    text,
    cursorOffset,
    cursor: cursorOffset === undefined ? undefined : doc.positionAt(cursorOffset),
    ranges: spans.map((s) => ({ start: doc.positionAt(s.start), end: doc.positionAt(s.end) })),
  };
}

/** Edits applied as an editor applies them (all ranges refer to the original text). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///edit.mix', 'mix', 0, text), [...edits]);
}

/** The edits of a workspace edit for one document, whether given as `changes` or `documentChanges`. */
export function editsFor(edit: WorkspaceEdit | null | undefined, uri: string): TextEdit[] {
  if (!edit) return [];
  const out: TextEdit[] = [...(edit.changes?.[uri] ?? [])];
  for (const c of edit.documentChanges ?? []) {
    if ('textDocument' in c && c.textDocument.uri === uri) out.push(...(c.edits as TextEdit[]));
  }
  return out;
}

export function textAt(text: string, range: Range): string {
  const doc = TextDocument.create('file:///t.mix', 'mix', 0, text);
  return text.slice(doc.offsetAt(range.start), doc.offsetAt(range.end));
}

// ---- the connection ----------------------------------------------------------------------------

export interface TestServerOptions {
  /** Defaults to the real file system (tests write real files in a temp folder). */
  readonly host?: FileHost;
  readonly debounceMs?: number;
  /** Folder the test documents live in; a fresh temp folder when absent. */
  readonly folder?: string;
}

/** One server and one client talking over streams, plus helpers that open a document per question. */
export class TestConnection {
  readonly client: LspClient;
  readonly folder: string;
  private readonly ownsFolder: boolean;
  private readonly serverConnection: Connection;
  private count = 0;

  private constructor(options: TestServerOptions) {
    const clientToServer = new PassThrough();
    const serverToClient = new PassThrough();
    // Message readers rather than raw streams: with raw streams the library ends the process when they close.
    this.serverConnection = createConnection(new StreamMessageReader(clientToServer), new StreamMessageWriter(serverToClient));
    startServer(this.serverConnection, { host: options.host ?? nodeFileHost, ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}) });
    this.serverConnection.listen();
    this.client = new LspClient(createProtocolConnection(new ClientReader(serverToClient), new ClientWriter(clientToServer)));
    this.ownsFolder = options.folder === undefined;
    this.folder = options.folder ?? mkdtempSync(join(tmpdir(), 'mix-lsp-'));
  }

  static async start(options: TestServerOptions = {}): Promise<TestConnection> {
    const c = new TestConnection(options);
    // processId null: a number makes the library poll that process for the rest of the run.
    await c.client.initialize(URI.file(c.folder).toString(), null);
    return c;
  }

  async dispose(): Promise<void> {
    await this.client.shutdown(false); // no `exit`: in-process it would end the test runner
    this.client.dispose();
    this.serverConnection.dispose();
    if (this.ownsFolder) rmSync(this.folder, { recursive: true, force: true });
  }

  /** A fresh document URI in the test folder. */
  uri(name?: string): string {
    this.count += 1;
    return URI.file(join(this.folder, name ?? `doc-${this.count}.mix`)).toString();
  }

  /** Opens marked text as a new document and waits for its first diagnostics. */
  async open(marked: string, name?: string): Promise<OpenDoc> {
    const m = parseMarkers(marked);
    const uri = this.uri(name);
    const diagnostics = await this.client.open(uri, m.text);
    return { ...m, uri, diagnostics };
  }

  /** Runs `fn` on a freshly opened document and closes it afterwards. */
  async withDoc<T>(marked: string, fn: (doc: OpenDoc) => Promise<T>): Promise<T> {
    const doc = await this.open(marked);
    try {
      return await fn(doc);
    } finally {
      await this.client.close(doc.uri);
    }
  }

  // ---- completion ------------------------------------------------------------------------------

  async completion(marked: string, trigger?: string): Promise<{ items: CompletionItem[]; doc: OpenDoc }> {
    return this.withDoc(marked, async (doc) => {
      const items = await this.client.completion(doc.uri, cursorOf(doc), trigger ? { triggerKind: 2, triggerCharacter: trigger } : undefined);
      return { items, doc };
    });
  }

  /** Completion at `<|>` must offer every label in `includes` and none in `excludes` (and, if given, exactly `exactly`). */
  async expectCompletion(
    marked: string,
    expected: { includes?: readonly string[]; excludes?: readonly string[]; exactly?: readonly string[] },
  ): Promise<CompletionItem[]> {
    const { items } = await this.completion(marked);
    const labels = items.map((i) => i.label);
    if (expected.exactly) expect([...labels].sort()).toEqual([...expected.exactly].sort());
    for (const l of expected.includes ?? []) expect(labels, `completion should offer '${l}'`).toContain(l);
    for (const l of expected.excludes ?? []) expect(labels, `completion should not offer '${l}'`).not.toContain(l);
    return items;
  }

  /** The text after accepting the completion item labelled `label` at `<|>`. */
  async acceptCompletion(marked: string, label: string, trigger?: string): Promise<string> {
    const { items, doc } = await this.completion(marked, trigger);
    const item = items.find((i) => i.label === label);
    expect(item, `completion should offer '${label}' (got ${items.map((i) => i.label).join(', ')})`).toBeDefined();
    const edit = item!.textEdit;
    if (edit) {
      const range = 'range' in edit ? edit.range : edit.replace;
      return applyEdits(doc.text, [{ range, newText: edit.newText }, ...(item!.additionalTextEdits ?? [])]);
    }
    // No edit: the editor replaces the word before the cursor with the insert text.
    const offset = doc.cursorOffset!;
    let start = offset;
    while (start > 0 && /[A-Za-z0-9_]/.test(doc.text[start - 1]!)) start--;
    return doc.text.slice(0, start) + (item!.insertText ?? item!.label) + doc.text.slice(offset);
  }

  // ---- hover -----------------------------------------------------------------------------------

  /** The hover's markdown at `<|>`, or null. */
  async hoverText(marked: string): Promise<string | null> {
    return this.withDoc(marked, async (doc) => hoverValue(await this.client.hover(doc.uri, cursorOf(doc))));
  }

  async expectHover(marked: string, expected: string | RegExp): Promise<string> {
    const text = await this.hoverText(marked);
    expect(text, 'a hover').not.toBeNull();
    if (typeof expected === 'string') expect(text).toContain(expected);
    else expect(text).toMatch(expected);
    return text!;
  }

  // ---- navigation -----------------------------------------------------------------------------

  /** Definition at `<|>` must be the single `[[...]]` range of the same document. */
  async expectDefinition(marked: string): Promise<void> {
    await this.withDoc(marked, async (doc) => {
      expect(doc.ranges, 'mark the definition with [[...]]').toHaveLength(1);
      const result = await this.client.definition(doc.uri, cursorOf(doc));
      const locations = (Array.isArray(result) ? result : result ? [result] : []).map((l) =>
        'targetUri' in l ? { uri: l.targetUri, range: l.targetSelectionRange } : (l as Location),
      );
      expect(locations).toEqual([{ uri: doc.uri, range: doc.ranges[0] }]);
    });
  }

  /** References at `<|>` must be exactly the `[[...]]` ranges. */
  async expectReferences(marked: string, includeDeclaration: boolean): Promise<void> {
    await this.withDoc(marked, async (doc) => {
      const refs = await this.client.references(doc.uri, cursorOf(doc), includeDeclaration);
      expect(refs.every((r) => r.uri === doc.uri)).toBe(true);
      expect(sortRanges(refs.map((r) => r.range))).toEqual(sortRanges(doc.ranges));
    });
  }

  /** Renames the symbol at `<|>`; returns the text with the edits applied and its diagnostics. */
  async rename(marked: string, newName: string): Promise<{ text: string; diagnostics: PublishDiagnosticsParams }> {
    return this.withDoc(marked, async (doc) => {
      const edit = await this.client.rename(doc.uri, cursorOf(doc), newName);
      expect(edit, 'a workspace edit').not.toBeNull();
      const text = applyEdits(doc.text, editsFor(edit, doc.uri));
      const diagnostics = await this.client.replace(doc.uri, text);
      return { text, diagnostics };
    });
  }

  /** Rename at `<|>` to `newName` must be refused with an error whose message matches. */
  async expectRenameRefused(marked: string, newName: string, message: RegExp): Promise<void> {
    await this.withDoc(marked, async (doc) => {
      await expect(this.client.rename(doc.uri, cursorOf(doc), newName)).rejects.toThrow(message);
    });
  }

  // ---- quick fixes ---------------------------------------------------------------------------------

  /**
   * Asks for code actions on the first diagnostic with `code` (as an editor
   * does: the diagnostic's range, with the diagnostic in the context).
   */
  async quickFixes(marked: string, code: string): Promise<{ doc: OpenDoc; diagnostic: Diagnostic; actions: CodeAction[] }> {
    const doc = await this.open(marked);
    const diagnostic = doc.diagnostics.diagnostics.find((d) => d.code === code);
    expect(diagnostic, `a '${code}' diagnostic (got ${codesOf(doc.diagnostics).join(', ')})`).toBeDefined();
    const result = await this.client.codeActions(doc.uri, diagnostic!.range, { diagnostics: [diagnostic!], only: ['quickfix'] });
    const actions = result.filter((a): a is CodeAction => 'kind' in a || 'edit' in a);
    return { doc, diagnostic: diagnostic!, actions };
  }

  /**
   * Applies the quick fix titled `title` for the first `code` diagnostic;
   * returns the new text and the diagnostics the server publishes for it.
   */
  async applyQuickFix(marked: string, code: string, title: string): Promise<{ text: string; diagnostics: PublishDiagnosticsParams; action: CodeAction }> {
    const { doc, actions } = await this.quickFixes(marked, code);
    try {
      const action = actions.find((a) => a.title === title);
      expect(action, `a quick fix '${title}' (got ${actions.map((a) => `'${a.title}'`).join(', ') || 'none'})`).toBeDefined();
      expect(action!.kind).toBe('quickfix');
      const text = applyEdits(doc.text, editsFor(action!.edit, doc.uri));
      const diagnostics = await this.client.replace(doc.uri, text);
      return { text, diagnostics, action: action! };
    } finally {
      await this.client.close(doc.uri);
    }
  }

  // ---- formatting --------------------------------------------------------------------------------

  async formattingEdits(text: string): Promise<TextEdit[]> {
    return this.withDoc(text, (doc) => this.client.formatting(doc.uri));
  }
}

export interface OpenDoc extends Marked {
  readonly uri: string;
  /** The first diagnostics published for the opened version. */
  readonly diagnostics: PublishDiagnosticsParams;
}

export function cursorOf(doc: Marked): Position {
  if (!doc.cursor) throw new Error('mark the cursor with <|>');
  return doc.cursor;
}

export function hoverValue(h: { contents: unknown } | null): string | null {
  if (!h) return null;
  const c = h.contents as string | { value: string } | (string | { value: string })[];
  const one = (x: string | { value: string }) => (typeof x === 'string' ? x : x.value);
  return Array.isArray(c) ? c.map(one).join('\n\n') : one(c);
}

function sortRanges(ranges: Range[]): Range[] {
  return [...ranges].sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character);
}
