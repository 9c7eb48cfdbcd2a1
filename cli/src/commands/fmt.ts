/** `mixdown fmt SONG.mix [--check|--write]` */
import { rename, unlink, writeFile } from 'node:fs/promises';
import { format, syntaxDiagnostic } from '../../../grammar/src/index.js';
import { readMixFile } from '../../../session/src/index.js';
import type { Command, CommandSpec } from '../options.js';
import { CliError, EXIT, type Output } from '../output.js';
import { toText } from '../report.js';

const spec: CommandSpec = {
  name: 'fmt',
  usage: 'usage: mixdown fmt SONG.mix [--check|--write]',
  summary: 'Prints the mix file canonically formatted.',
  options: {
    check: { type: 'boolean', help: 'say whether the file is formatted, and exit 1 if it is not' },
    write: { type: 'boolean', help: 'rewrite the file in place' },
  },
};

export const fmt: Command = {
  spec,
  run(files, values, out) {
    if (files.length !== 1 || (values['check'] && values['write'])) throw new CliError(spec.usage);
    return formatFile(files[0]!, values['check'] === true, values['write'] === true, out);
  },
};

async function formatFile(file: string, check: boolean, write: boolean, out: Output): Promise<number> {
  const text = await readMixFile(file);
  const result = format(text);
  if (!result.ok) {
    out.stderr(toText(file, text, result.problems.map(syntaxDiagnostic)));
    out.stderr(`${file}: not formatted: fix the syntax errors first\n`);
    return EXIT.mixErrors;
  }
  if (check) {
    if (result.text === text) {
      out.stdout(`${file}: formatted\n`);
      return EXIT.ok;
    }
    out.stdout(`${file}: not formatted (run: mixdown fmt ${file} --write)\n`);
    return EXIT.mixErrors;
  }
  if (write) {
    if (result.text !== text) await writeAtomically(file, result.text);
    out.stdout(`${file}: ${result.text === text ? 'already formatted' : 'formatted'}\n`);
    return EXIT.ok;
  }
  out.stdout(result.text);
  return EXIT.ok;
}

/** Write beside the file, then rename over it: the file is never half-written. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.mixdown-${process.pid}.tmp`;
  try {
    await writeFile(temp, text, 'utf8');
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw new CliError(`cannot write ${path}: ${(err as Error).message}`);
  }
}
