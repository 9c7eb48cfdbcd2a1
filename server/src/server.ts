/**
 * The mix language server: wiring from vscode-languageserver to the grammar
 * and the editor features. Everything it knows about the machine comes in
 * through `FileHost`, so tests run it over in-memory streams.
 */
import {
  TextDocuments, TextDocumentSyncKind, type Connection, type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { check } from '../../grammar/src/index.js';
import { AudioFactStore, resolveAudioPath, type FileHost } from '../../session/src/index.js';
import { AudioFileIndex } from './audio-files.js';
import { MixDocuments, type DocState } from './documents.js';
import { codeActions } from './features/code-actions.js';
import { colorPresentations, documentColors } from './features/colors.js';
import { completion } from './features/completion.js';
import { lspDiagnostics } from './features/diagnostics.js';
import { formatting } from './features/formatting.js';
import { hover, type AudioInfoSource } from './features/hover.js';
import { inlayHints } from './features/inlay-hints.js';
import { definition, prepareRename, references, rename } from './features/navigation.js';
import { documentSymbols, foldingRanges } from './features/outline.js';
import { semanticTokens, semanticTokensLegend } from './features/semantic-tokens.js';

/** Every statement form once, so the warm-up compiles the whole grammar. */
const WARM_UP = `title "w"\nsamplerate 48000 Hz\ntempo 120 bpm\nmeter 4/4\noutput stereo\nlength 1:00\nmarker m bar 2 beat 1\nreference r "r.wav" gain -1 dB
track t { label "t"; color "#ffffff"; hidden; mute; solo; clip "a.wav" at 0 s from m to 2:00.5 fade 10 ms gain -1 dB; file "b.wav"; cut 1 s to 2 s
  trim auto -18 dBFS rms; polarity invert; eq { highpass 30 Hz slope 24 dB/oct; bell 1 kHz -3 dB q 1; bypass }
  comp { threshold -20 dB; ratio 4:1; knee 6 dB; attack 10 ms; release 100 ms; makeup 1 dB; mix 50%; sidechain u }
  gain -3 dB; pan -10%; to b; send b -6 dB pre }
track u { file "u.wav" }
bus b { limit { ceiling -1 dBTP; release 50 ms; lookahead 1.5 ms } }
master { target -14 LUFS }
`;

const WARM_UP_TRACK = `track NAME {
  clip "NAME.wav" from m to 2:00 fade 10 ms
  eq {
    highpass 80 Hz slope 24 dB/oct
    bell 300 Hz -3 dB q 1.4
  }
  comp {
    threshold -18 dB
    ratio 3:1
  }
  gain -2 dB
  pan 10%
  to b
}
`;

export interface ServerOptions {
  readonly host: FileHost;
  /** Delay between the last keystroke and re-validation, ms. */
  readonly debounceMs?: number;
}

export function startServer(connection: Connection, options: ServerOptions): void {
  const documents = new TextDocuments(TextDocument);
  const facts = new AudioFactStore(options.host);
  const mix = new MixDocuments(facts);
  const files = new AudioFileIndex(options.host);
  const debounceMs = options.debounceMs ?? 10;
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const state = (uri: string): DocState | null => {
    const d = documents.get(uri);
    return d ? mix.get(uri, d.version, d.getText()) : null;
  };

  /** The version whose diagnostics were last published, per document. */
  const published = new Map<string, number>();

  const publish = (s: DocState) => {
    // A newer version supersedes this one: its own validation will publish.
    if (documents.get(s.uri)?.version !== s.version) return;
    published.set(s.uri, s.version);
    void connection.sendDiagnostics({ uri: s.uri, version: s.version, diagnostics: lspDiagnostics(s) });
  };

  const validateNow = (uri: string) => {
    clearTimeout(timers.get(uri));
    timers.delete(uri);
    const s = state(uri);
    if (s) publish(s);
  };

  /** Typing: validate once the keystrokes pause; every new edit restarts the wait. */
  const validateSoon = (uri: string) => {
    clearTimeout(timers.get(uri));
    timers.set(uri, setTimeout(() => validateNow(uri), debounceMs));
  };

  const audio: AudioInfoSource = {
    fact: (folder, path) => facts.factsFor(folder).get(path),
    peakDbfs: (folder, path) => facts.peakDbfs(resolveAudioPath(folder, path)),
  };

  connection.onInitialize((): InitializeResult => {
    // Warm the parser and analysis up now, so the first real document does
    // not pay for building the grammar and for the JIT: a few passes over a
    // mid-sized session get the hot code optimised (about 0.2 s at start-up).
    const session = WARM_UP + Array.from({ length: 60 }, (_, i) => WARM_UP_TRACK.replace(/NAME/g, `w${i}`)).join('');
    for (let i = 0; i < 4; i++) check(session, { fileName: 'warm-up.mix' });
    return initializeResult;
  });

  const initializeResult: InitializeResult = ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: [' ', '"', '/', '.'] },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      documentFormattingProvider: true,
      semanticTokensProvider: { legend: semanticTokensLegend, full: true },
      colorProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      inlayHintProvider: true,
    },
    serverInfo: { name: 'mixdown', version: '0.1.0' },
  });

  documents.onDidOpen((e) => validateNow(e.document.uri));
  documents.onDidChangeContent((e) => {
    // didOpen is followed by a content change for the same version: already done.
    if (published.get(e.document.uri) === e.document.version) return;
    validateSoon(e.document.uri);
  });
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    published.delete(e.document.uri);
    mix.forget(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  // Audio facts arrive after the first validation: validate again with them.
  // A document still being typed in publishes when its typing pauses; doing it
  // now would publish a version the next keystroke is about to replace.
  facts.onDidLearn(() => {
    for (const d of documents.all()) {
      if (timers.has(d.uri)) mix.forget(d.uri);
      else publish(mix.refresh(d.uri, d.version, d.getText()));
    }
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    let audioChanged = false;
    for (const c of changes) {
      const path = URI.parse(c.uri).fsPath;
      if (/\.wav$/i.test(path)) {
        facts.invalidate(path);
        audioChanged = true;
      }
    }
    if (audioChanged) files.invalidate();
  });

  const withDoc = <P extends { textDocument: { uri: string } }, R>(fn: (s: DocState, p: P) => R, empty: R) => (p: P): R => {
    const s = state(p.textDocument.uri);
    return s ? fn(s, p) : empty;
  };

  connection.onCompletion(withDoc((s, p) => completion(s, p.position, files, p.context?.triggerCharacter), Promise.resolve([])));
  connection.onHover(withDoc((s, p) => hover(s, p.position, audio), Promise.resolve(null)));
  connection.onDefinition(withDoc((s, p) => definition(s, p.position), null));
  connection.onReferences(withDoc((s, p) => references(s, p.position, p.context.includeDeclaration), []));
  connection.onPrepareRename(withDoc((s, p) => prepareRename(s, p.position), null));
  connection.onRenameRequest(withDoc((s, p) => rename(s, p.position, p.newName), null));
  connection.onDocumentSymbol(withDoc((s) => documentSymbols(s), []));
  connection.onFoldingRanges(withDoc((s) => foldingRanges(s), []));
  connection.onDocumentFormatting(withDoc((s) => formatting(s), []));
  connection.languages.semanticTokens.on(withDoc((s) => semanticTokens(s), { data: [] }));
  connection.onDocumentColor(withDoc((s) => documentColors(s), []));
  connection.onColorPresentation((p) => colorPresentations(p.color, p.range));
  connection.onCodeAction(withDoc((s, p) => codeActions(s, p.range), []));
  connection.languages.inlayHint.on(withDoc((s, p) => inlayHints(s, p.range), []));

  documents.listen(connection);
}
