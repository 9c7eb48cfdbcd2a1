/**
 * `mixdown`: the command line. Exit codes: 0 ok, 1 mix errors, 2 usage or
 * I/O errors. Errors are one clear line naming the file; never a stack trace.
 */
import { runCheck } from './check.js';
import { runFmt } from './fmt.js';
import { runMeter } from './meter.js';
import { runRender } from './render-command.js';
import { CliError, EXIT, failure, type Output } from './output.js';

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

  mixdown --version | --help`;

const out: Output = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check': return runCheck(rest, out);
    case 'fmt': return runFmt(rest, out);
    case 'render': return runRender(rest, out);
    case 'meter': return runMeter(rest, out);
    case '--version': case '-v': out.stdout('mixdown 0.1.0\n'); return EXIT.ok;
    case undefined: case '--help': case '-h': case 'help':
      out.stdout(USAGE + '\n');
      return command === undefined ? EXIT.usage : EXIT.ok;
    default:
      throw new CliError(`unknown command '${command}'\n\n${USAGE}`, EXIT.usage);
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
