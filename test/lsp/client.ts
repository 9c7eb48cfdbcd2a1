/**
 * The client half of a real LSP connection: what an editor sends and what it
 * waits for. It speaks JSON-RPC over any reader/writer pair, so the tests use
 * it against the server in-process (two PassThrough streams) and the
 * benchmark against `node dist/server.js --stdio`.
 *
 * Diagnostics are awaited by event: every publishDiagnostics notification is
 * logged in order, and a wait resolves on the first logged notification that
 * matches (already received or still to come). Nothing here sleeps; the only
 * timer is a deadline that turns a hang into a readable failure.
 */
import {
  CodeActionRequest, ColorPresentationRequest, CompletionRequest, CompletionTriggerKind, DefinitionRequest,
  DidChangeTextDocumentNotification, DidCloseTextDocumentNotification, DidOpenTextDocumentNotification,
  DocumentColorRequest, DocumentFormattingRequest, DocumentSymbolRequest, ExitNotification, FoldingRangeRequest,
  HoverRequest, InitializedNotification, InitializeRequest, InlayHintRequest, PrepareRenameRequest,
  PublishDiagnosticsNotification, ReferencesRequest, RenameRequest, SemanticTokensRequest, ShutdownRequest,
  type ClientCapabilities, type CodeAction, type CompletionItemKind, type SymbolKind, type CodeActionContext, type Color, type ColorInformation,
  type ColorPresentation, type Command, type CompletionContext, type CompletionItem, type CompletionList,
  type Definition, type DocumentSymbol, type FoldingRange, type Hover, type InitializeResult, type InlayHint,
  type Location, type LocationLink, type Position, type PrepareRenameResult, type ProtocolConnection,
  type PublishDiagnosticsParams, type Range, type SemanticTokens, type SymbolInformation,
  type TextDocumentContentChangeEvent, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';

/** What VS Code 1.90 announces for the features this server offers (trimmed to those). */
export const clientCapabilities: ClientCapabilities = {
  general: { positionEncodings: ['utf-16'] },
  workspace: {
    applyEdit: true,
    workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
    didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
    workspaceFolders: true,
    configuration: true,
  },
  textDocument: {
    synchronization: { dynamicRegistration: true, willSave: true, willSaveWaitUntil: true, didSave: true },
    completion: {
      dynamicRegistration: true,
      contextSupport: true,
      completionItem: {
        snippetSupport: true,
        commitCharactersSupport: true,
        documentationFormat: ['markdown', 'plaintext'],
        deprecatedSupport: true,
        preselectSupport: true,
        insertReplaceSupport: true,
        labelDetailsSupport: true,
        resolveSupport: { properties: ['documentation', 'detail', 'additionalTextEdits'] },
      },
      completionItemKind: { valueSet: Array.from({ length: 25 }, (_, i) => (i + 1) as CompletionItemKind) },
    },
    hover: { dynamicRegistration: true, contentFormat: ['markdown', 'plaintext'] },
    definition: { dynamicRegistration: true, linkSupport: true },
    references: { dynamicRegistration: true },
    documentSymbol: {
      dynamicRegistration: true,
      hierarchicalDocumentSymbolSupport: true,
      labelSupport: true,
      symbolKind: { valueSet: Array.from({ length: 26 }, (_, i) => (i + 1) as SymbolKind) },
    },
    codeAction: {
      dynamicRegistration: true,
      isPreferredSupport: true,
      disabledSupport: true,
      dataSupport: true,
      resolveSupport: { properties: ['edit'] },
      codeActionLiteralSupport: {
        codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'refactor.extract', 'refactor.inline', 'refactor.rewrite', 'source', 'source.organizeImports'] },
      },
    },
    formatting: { dynamicRegistration: true },
    rename: { dynamicRegistration: true, prepareSupport: true, honorsChangeAnnotations: true },
    publishDiagnostics: {
      relatedInformation: true,
      versionSupport: true,
      tagSupport: { valueSet: [1, 2] },
      codeDescriptionSupport: true,
      dataSupport: true,
    },
    foldingRange: { dynamicRegistration: true, rangeLimit: 5000, lineFoldingOnly: true },
    colorProvider: { dynamicRegistration: true },
    semanticTokens: {
      dynamicRegistration: true,
      requests: { range: true, full: { delta: true } },
      tokenTypes: ['namespace', 'type', 'class', 'enum', 'interface', 'struct', 'typeParameter', 'parameter', 'variable', 'property', 'enumMember', 'event', 'function', 'method', 'macro', 'keyword', 'modifier', 'comment', 'string', 'number', 'regexp', 'operator', 'decorator'],
      tokenModifiers: ['declaration', 'definition', 'readonly', 'static', 'deprecated', 'abstract', 'async', 'modification', 'documentation', 'defaultLibrary'],
      formats: ['relative'],
      overlappingTokenSupport: false,
      multilineTokenSupport: false,
      serverCancelSupport: true,
      augmentsSyntaxTokens: true,
    },
    inlayHint: { dynamicRegistration: true, resolveSupport: { properties: ['tooltip', 'textEdits', 'label.tooltip', 'label.location', 'label.command'] } },
  },
  window: { workDoneProgress: true, showMessage: { messageActionItem: { additionalPropertiesSupport: true } }, showDocument: { support: true } },
};

export interface WaitOptions {
  /** Only a notification for this document version (notifications without a version never match). */
  readonly version?: number;
  /** Only a notification received after this one. */
  readonly after?: PublishDiagnosticsParams;
  /** Any further condition. */
  readonly where?: (p: PublishDiagnosticsParams) => boolean;
  /** A deadline that turns a hang into a failure with a description; not a pause. */
  readonly timeoutMs?: number;
}

interface Waiter {
  readonly from: number;
  readonly match: (p: PublishDiagnosticsParams) => boolean;
  readonly resolve: (p: PublishDiagnosticsParams) => void;
}

export class LspClient {
  /** Every publishDiagnostics notification, in the order received. */
  readonly published: PublishDiagnosticsParams[] = [];
  private readonly seq = new WeakMap<PublishDiagnosticsParams, number>();
  private readonly waiters = new Set<Waiter>();
  private readonly versions = new Map<string, number>();
  private readonly texts = new Map<string, string>();
  initializeResult: InitializeResult | undefined;

  constructor(readonly connection: ProtocolConnection) {
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.seq.set(p, this.published.length);
      this.published.push(p);
      for (const w of [...this.waiters]) {
        if (this.seq.get(p)! >= w.from && w.match(p)) {
          this.waiters.delete(w);
          w.resolve(p);
        }
      }
    });
    connection.listen();
  }

  async initialize(rootUri: string | null, processId: number | null = null): Promise<InitializeResult> {
    this.initializeResult = await this.connection.sendRequest(InitializeRequest.type, {
      processId,
      clientInfo: { name: 'Visual Studio Code', version: '1.90.0' },
      locale: 'en',
      rootUri,
      capabilities: clientCapabilities,
      trace: 'off',
      workspaceFolders: rootUri ? [{ uri: rootUri, name: rootUri.split('/').pop() ?? 'root' }] : null,
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return this.initializeResult;
  }

  /** Resolves with the first publishDiagnostics for `uri` that matches, waiting for it if need be. */
  diagnostics(uri: string, options: WaitOptions = {}): Promise<PublishDiagnosticsParams> {
    const from = options.after ? (this.seq.get(options.after) ?? -1) + 1 : 0;
    const match = (p: PublishDiagnosticsParams) =>
      p.uri === uri && (options.version === undefined || p.version === options.version) && (options.where?.(p) ?? true);
    for (let i = from; i < this.published.length; i++) if (match(this.published[i]!)) return Promise.resolve(this.published[i]!);
    const timeoutMs = options.timeoutMs ?? 4000;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        from,
        match,
        resolve: (p) => {
          clearTimeout(deadline);
          resolve(p);
        },
      };
      const deadline = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.published
          .filter((p) => p.uri === uri)
          .map((p) => `  v${p.version ?? '-'}: [${p.diagnostics.map((d) => d.code).join(', ')}]`)
          .join('\n');
        reject(new Error(`no matching publishDiagnostics for ${uri} (version ${options.version ?? 'any'}) within ${timeoutMs} ms; received:\n${seen || '  nothing'}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Opens a document; resolves with the first diagnostics published for that version. */
  async open(uri: string, text: string, version = 1): Promise<PublishDiagnosticsParams> {
    const from = this.published.length;
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'mix', version, text },
    });
    return this.diagnosticsFrom(uri, version, from);
  }

  /** Sends changes as the next version; resolves with the first diagnostics published for it. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[], newText?: string): Promise<PublishDiagnosticsParams> {
    const { version, sent } = await this.sendChange(uri, changes, newText);
    return this.diagnosticsFrom(uri, version, sent);
  }

  /** Sends changes without waiting; returns the version sent and the log position before it. */
  async sendChange(uri: string, changes: TextDocumentContentChangeEvent[], newText?: string): Promise<{ version: number; sent: number }> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    if (newText !== undefined) this.texts.set(uri, newText);
    const sent = this.published.length;
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: changes,
    });
    return { version, sent };
  }

  /** Replaces the whole text (a full-document change). */
  replace(uri: string, text: string): Promise<PublishDiagnosticsParams> {
    return this.change(uri, [{ text }], text);
  }

  /** Closes a document; resolves with the (empty, unversioned) diagnostics that clear it. */
  async close(uri: string): Promise<PublishDiagnosticsParams> {
    const from = this.published.length;
    this.versions.delete(uri);
    this.texts.delete(uri);
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    return this.diagnostics(uri, { where: (p) => this.seq.get(p)! >= from && p.version === undefined });
  }

  versionOf(uri: string): number | undefined {
    return this.versions.get(uri);
  }

  diagnosticsFrom(uri: string, version: number, from: number): Promise<PublishDiagnosticsParams> {
    return this.diagnostics(uri, { version, where: (p) => this.seq.get(p)! >= from });
  }

  // ---- requests ------------------------------------------------------------------------------

  async completion(uri: string, position: Position, context?: CompletionContext): Promise<CompletionItem[]> {
    const result = await this.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri },
      position,
      context: context ?? { triggerKind: CompletionTriggerKind.Invoked },
    });
    if (!result) return [];
    return Array.isArray(result) ? result : (result as CompletionList).items;
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  }

  definition(uri: string, position: Position): Promise<Definition | LocationLink[] | null> {
    return this.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position });
  }

  async references(uri: string, position: Position, includeDeclaration: boolean): Promise<Location[]> {
    return (await this.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position, context: { includeDeclaration } })) ?? [];
  }

  prepareRename(uri: string, position: Position): Promise<PrepareRenameResult | null> {
    return this.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position });
  }

  rename(uri: string, position: Position, newName: string): Promise<WorkspaceEdit | null> {
    return this.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position, newName });
  }

  async documentSymbols(uri: string): Promise<(DocumentSymbol | SymbolInformation)[]> {
    return (await this.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) ?? [];
  }

  async foldingRanges(uri: string): Promise<FoldingRange[]> {
    return (await this.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } })) ?? [];
  }

  async formatting(uri: string): Promise<TextEdit[]> {
    return (await this.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })) ?? [];
  }

  async semanticTokens(uri: string): Promise<SemanticTokens> {
    return (await this.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } })) ?? { data: [] };
  }

  documentColors(uri: string): Promise<ColorInformation[]> {
    return this.connection.sendRequest(DocumentColorRequest.type, { textDocument: { uri } });
  }

  colorPresentations(uri: string, color: Color, range: Range): Promise<ColorPresentation[]> {
    return this.connection.sendRequest(ColorPresentationRequest.type, { textDocument: { uri }, color, range });
  }

  async codeActions(uri: string, range: Range, context: CodeActionContext): Promise<(CodeAction | Command)[]> {
    return (await this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context })) ?? [];
  }

  async inlayHints(uri: string, range: Range): Promise<InlayHint[]> {
    return (await this.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range })) ?? [];
  }

  /** The polite end: `shutdown`, then `exit` when the server is its own process. */
  async shutdown(sendExit: boolean): Promise<void> {
    await this.connection.sendRequest(ShutdownRequest.type);
    if (sendExit) await this.connection.sendNotification(ExitNotification.type);
  }

  dispose(): void {
    this.connection.dispose();
  }
}

/** The codes of a publish, in order. */
export function codesOf(p: PublishDiagnosticsParams): string[] {
  return p.diagnostics.map((d) => String(d.code));
}
