/**
 * What can go wrong with a session on disk, as a kind a caller can act on.
 * The command line turns a kind into an exit code and the editor into a
 * message; this layer knows neither.
 */
export type SessionErrorKind =
  /** The request itself is wrong: a time that is not a time, an output that would replace an input. */
  | 'usage'
  /** A file or folder cannot be read or written. */
  | 'io'
  /** The mix cannot be made as written: an audio file it names cannot be read. */
  | 'mix';

export class SessionError extends Error {
  override readonly name = 'SessionError';

  constructor(readonly kind: SessionErrorKind, message: string) {
    super(message);
  }
}
