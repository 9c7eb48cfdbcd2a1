/**
 * Facts about audio files, supplied by the host (the language server and the
 * CLI read WAV headers; tests pass a table). The grammar never touches a file
 * system itself, so it runs anywhere.
 */
export interface AudioInfo {
  readonly sampleRate: number;
  readonly channels: number;
  readonly frames: number;
  /** e.g. "PCM 24-bit", "float 32-bit". */
  readonly encoding: string;
}

export type AudioFact =
  | { readonly status: 'ok'; readonly info: AudioInfo }
  | { readonly status: 'missing' }
  | { readonly status: 'unreadable'; readonly reason: string }
  | { readonly status: 'unsupported'; readonly reason: string };

export interface AudioFacts {
  /**
   * What is known of the file at `path` (as written in the mix file, relative
   * to its folder). `undefined` means not known yet: no diagnostic is given.
   */
  get(path: string): AudioFact | undefined;
}

export const noFacts: AudioFacts = { get: () => undefined };

export function durationOf(info: AudioInfo): number {
  return info.frames / info.sampleRate;
}
