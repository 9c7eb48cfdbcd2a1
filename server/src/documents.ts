/**
 * The server's view of open documents: each analysed once per version and
 * cached, with the line index the LSP needs to turn offsets into positions.
 */
import { check, LineIndex, type CheckedDocument } from '../../grammar/src/index.js';
import { documentFolder, type AudioFactStore } from '../../session/src/index.js';

export interface DocState {
  readonly uri: string;
  readonly version: number;
  readonly text: string;
  readonly folder: string | null;
  readonly checked: CheckedDocument;
  readonly lines: LineIndex;
}

export class MixDocuments {
  private readonly cache = new Map<string, DocState>();

  constructor(private readonly facts: AudioFactStore) {}

  /** The analysis of this exact text and version, computed on first use. */
  get(uri: string, version: number, text: string): DocState {
    const cached = this.cache.get(uri);
    if (cached && cached.version === version && cached.text === text) return cached;
    return this.refresh(uri, version, text);
  }

  /** Analyses again even if the text did not change (audio facts did). */
  refresh(uri: string, version: number, text: string): DocState {
    const folder = documentFolder(uri);
    const fileName = decodeURIComponent(uri.split('/').pop() ?? 'untitled');
    const checked = check(text, { facts: this.facts.factsFor(folder), fileName });
    const state: DocState = { uri, version, text, folder, checked, lines: new LineIndex(text) };
    this.cache.set(uri, state);
    return state;
  }


  forget(uri: string): void {
    this.cache.delete(uri);
  }

}
