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

/** Splits `args` into positionals and the flags in `known`; anything else is a usage error. */
export function parseArgs(args: string[], known: readonly string[], command: string): { files: string[]; flags: Set<string> } {
  const files: string[] = [];
  const flags = new Set<string>();
  for (const a of args) {
    if (a.startsWith('-')) {
      if (!known.includes(a)) throw new CliError(`${command}: unknown option '${a}'`);
      flags.add(a);
    } else files.push(a);
  }
  return { files, flags };
}
