/**
 * `mixdown`: the command line. Exit codes: 0 ok, 1 mix errors, 2 usage or
 * I/O errors. Errors are one clear line naming the file; never a stack trace.
 */
import { check } from './commands/check.js';
import { diff } from './commands/diff.js';
import { fmt } from './commands/fmt.js';
import { meter } from './commands/meter.js';
import { render } from './commands/render.js';
import { helpText, parseCommandArgs, type Command } from './options.js';
import { CliError, EXIT, failure, type Output } from './output.js';

const COMMANDS: Readonly<Record<string, Command>> = { check, fmt, render, meter, diff };

const USAGE = `usage: mixdown <command> [options]

commands:
  check SONG.mix [--json]            report problems (exit 1 on any error)
  fmt SONG.mix [--check|--write]     print the file canonically formatted
                                     --check: exit 1 if it is not formatted
                                     --write: rewrite the file in place
  render SONG.mix [-o OUT.wav] [--bits 16|24|32f] [--stems DIR]
                  [--from TIME] [--to TIME] [--threads N]
                                     render the mix to a WAV file
  meter FILE.wav|SONG.mix [--json]   loudness (EBU R128 / BS.1770-4)
  diff OLD NEW [--format text|markdown|json] [--audio] [--plots DIR] [--exit-zero]
                                     what changed in the mix between two versions
                                     (files, or REV:path from git: HEAD~1:song.mix)

  mixdown --version | --help`;

const out: Output = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name]! : null;
  if (command) {
    const parsed = parseCommandArgs(command.spec, rest);
    if (parsed.help) {
      out.stdout(helpText(command.spec));
      return EXIT.ok;
    }
    return command.run(parsed.positionals, parsed.values, out);
  }
  switch (name) {
    case '--version': case '-v': out.stdout('mixdown 0.1.0\n'); return EXIT.ok;
    case undefined: case '--help': case '-h': case 'help':
      out.stdout(USAGE + '\n');
      return name === undefined ? EXIT.usage : EXIT.ok;
    default:
      throw new CliError(`unknown command '${name}'\n\n${USAGE}`, EXIT.usage);
  }
}

// Ctrl-C or a kill: leave through process.exit, so unfinished outputs and
// temporary files are removed by their 'exit' handlers.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    out.stderr(`\nmixdown: stopped (${signal}); nothing was written\n`);
    process.exit(130);
  });
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    const { message, exitCode } = failure(err);
    out.stderr(`mixdown: ${message}\n`);
    process.exitCode = exitCode;
  },
);
