/**
 * What the preview plays, worked out on the extension host: the text checked
 * with the facts of its audio files (so a missing or unreadable file is an
 * error here, as in `mixdown check`), and either the model with the files it
 * names, or the problems that stop it from playing.
 *
 * No vscode imports: tests run it in Node.
 */
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LineIndex } from '../../../grammar/src/lines.js';
import type { MixModel } from '../../../grammar/src/model.js';
import { AudioFactStore, checkWithStore, nodeFileHost, resolveAudioPath } from '../../../session/src/index.js';
import type { Problem } from '../../../media/preview/protocol.js';

/** An audio file of the session: as written, where it is, and a version that changes with the file. */
export interface SessionFile {
  readonly written: string;
  readonly absolute: string;
  readonly version: string;
}

/** Where a channel's statement is in the text (offsets), from its keyword to its closing brace. */
export interface ChannelSpan {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

export type SessionCheck =
  | {
    readonly ok: true; readonly model: MixModel; readonly warnings: number; readonly audio: readonly SessionFile[]; readonly references: Readonly<Record<string, SessionFile>>;
    readonly channelSpans: readonly ChannelSpan[];
  }
  | { readonly ok: false; readonly problems: readonly Problem[] };

export class SessionChecker {
  private readonly store = new AudioFactStore(nodeFileHost);

  /** A file changed on disk: read its header again. */
  invalidate(absolutePath: string): void {
    this.store.invalidate(absolutePath);
  }

  async check(fsPath: string, text: string): Promise<SessionCheck> {
    const folder = dirname(fsPath);
    const checked = await checkWithStore(this.store, fsPath, text);
    if (checked.hasErrors) {
      const lines = new LineIndex(text);
      const problems = checked.diagnostics
        .filter((d) => d.severity === 'error')
        .map((d) => ({ line: lines.position(d.span.start).line + 1, message: d.message }));
      return { ok: false, problems };
    }
    const model = checked.model;
    const written = [...new Set(model.channels.flatMap((c) => c.clips.map((k) => k.path)))];
    const file = async (w: string): Promise<SessionFile> => {
      const absolute = resolveAudioPath(folder, w);
      const s = await stat(absolute);
      return { written: w, absolute, version: `${s.size}-${s.mtimeMs}` };
    };
    try {
      const audio = await Promise.all(written.map(file));
      const references = Object.fromEntries(await Promise.all(model.references.map(async (r) => [r.name, await file(r.path)] as const)));
      const channelSpans = checked.document.statements.flatMap((s) => (s.kind === 'channel' ? [{ name: s.name.name, start: s.span.start, end: Math.max(s.span.end, s.bodySpan.end) }] : []));
      return { ok: true, model, warnings: checked.diagnostics.filter((d) => d.severity === 'warning').length, audio, references, channelSpans };
    } catch (err) {
      // The file went away between the check and now.
      return { ok: false, problems: [{ line: 1, message: `an audio file cannot be read: ${(err as Error).message}` }] };
    }
  }
}
