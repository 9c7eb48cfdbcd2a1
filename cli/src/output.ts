import { SessionError } from '../../session/src/index.js';

export const EXIT = { ok: 0, mixErrors: 1, usage: 2 } as const;

export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.usage) {
    super(message);
  }
}

export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * How an error leaves the command line: the line printed after `mixdown: `
 * and the exit code. A mix that cannot be made as written is 1, like mix
 * errors; a bad request or a file that cannot be read or written is 2.
 */
export function failure(err: unknown): { message: string; exitCode: number } {
  if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode };
  if (err instanceof SessionError) return { message: err.message, exitCode: err.kind === 'mix' ? EXIT.mixErrors : EXIT.usage };
  // An internal error: still one line, but say it is ours.
  return { message: `internal error: ${(err as Error)?.message ?? String(err)}`, exitCode: EXIT.usage };
}
