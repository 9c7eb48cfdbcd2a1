/**
 * The bundled example session and the audio files it needs. The audio is
 * generated (scripts/make-example-audio.ts), not shipped, so opening the
 * example first checks which of its files are there.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Relative to the extension's folder. */
export const EXAMPLE_SESSION = 'examples/night-drive/night-drive.mix';

/** The command that writes the example's audio files, run in the extension's folder. */
export const EXAMPLE_AUDIO_COMMAND = 'npm run example:audio';

/**
 * The `.wav` paths written in quotes in a session's text. Good enough for
 * the example, whose strings hold no escapes.
 */
export function audioPathsIn(text: string): string[] {
  const paths = new Set<string>();
  for (const m of text.matchAll(/"([^"\\\r\n]+\.wav)"/gi)) paths.add(m[1]!);
  return [...paths];
}

/** The audio files a session refers to that do not exist beside it. */
export function missingAudio(sessionPath: string, text: string, exists: (path: string) => boolean = existsSync): string[] {
  const folder = dirname(sessionPath);
  return audioPathsIn(text).filter((p) => !exists(join(folder, ...p.split('/'))));
}
