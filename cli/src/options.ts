/**
 * The options of every command, declared once (name, value, help) and read
 * with Node's `util.parseArgs`: the parser, the errors that name a bad
 * option, and `--help` all come from the declaration.
 */
import { parseArgs } from 'node:util';
import { CliError, type Output } from './output.js';

export interface OptionSpec {
  readonly type: 'boolean' | 'string';
  readonly short?: string;
  /** What a string option's value is, in the help: `DIR`, `16|24|32f`. */
  readonly value?: string;
  readonly help: string;
}

export interface CommandSpec {
  readonly name: string;
  /** The usage line, `usage: mixdown NAME ...`, shown on a usage error and atop the help. */
  readonly usage: string;
  /** What the command does, one line. */
  readonly summary: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Whether an error in the options is followed by the usage line. */
  readonly usageAfterErrors?: boolean;
}

export type Values = Readonly<Record<string, string | boolean | undefined>>;

export type Parsed =
  | { readonly help: true }
  | { readonly help: false; readonly positionals: readonly string[]; readonly values: Values };

const HELP: OptionSpec = { type: 'boolean', short: 'h', help: 'print this help' };

/**
 * The command's arguments, or `help` when -h or --help is among them. The
 * parse is strict, with our own errors: parseArgs reads tokens
 * leniently, and each token is checked against the declaration here, so the
 * message names the option as it was typed.
 */
export function parseCommandArgs(spec: CommandSpec, args: readonly string[]): Parsed {
  const options: Readonly<Record<string, OptionSpec>> = { ...spec.options, help: HELP };
  const { values, positionals, tokens } = parseArgs({
    args: [...args],
    options: Object.fromEntries(Object.entries(options).map(([name, o]) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }])),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  if (values['help'] === true) return { help: true };
  const fail = (message: string): never => {
    throw new CliError(`${spec.name}: ${message}${spec.usageAfterErrors ? `\n${spec.usage}` : ''}`);
  };
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const option = Object.hasOwn(options, t.name) ? options[t.name] : undefined;
    if (option === undefined) fail(`unknown option '${t.rawName}'`);
    else if (option.type === 'string' && t.value === undefined) fail(`${t.rawName} needs a value`);
    else if (option.type === 'boolean' && t.value !== undefined) fail(`${t.rawName} takes no value, not '${t.value}'`);
  }
  return { help: false, positionals, values };
}

/** `mixdown NAME --help`: the usage line, what the command does, and each option. */
export function helpText(spec: CommandSpec): string {
  const rows = Object.entries({ ...spec.options, help: HELP }).map(([name, o]) => {
    const flags = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`;
    return [flags, o.help] as const;
  });
  const width = Math.max(...rows.map(([flags]) => flags.length)) + 2;
  return [
    spec.usage,
    '',
    spec.summary,
    '',
    'options:',
    ...rows.map(([flags, help]) => `  ${flags.padEnd(width)}${help}`),
    '',
  ].join('\n');
}

/** A command: its declaration, and what it does with arguments that passed it. */
export interface Command {
  readonly spec: CommandSpec;
  run(positionals: readonly string[], values: Values, out: Output): Promise<number>;
}
