/** `mixdown fmt SONG.mix [--check|--write]` */
import { rename, unlink, writeFile } from 'node:fs/promises';
import { format, syntaxDiagnostic } from '../../grammar/src/index.js';
import { readMixFile } from '../../session/src/index.js';
import { CliError, EXIT, parseArgs, type Output } from './output.js';
import { toText } from './report.js';

export async function runFmt(args: string[], out: Output): Promise<number> {
  const { files, flags } = parseArgs(args, ['--check', '--write'], 'fmt');
  if (files.length !== 1 || (flags.has('--check') && flags.has('--write'))) {
    throw new CliError('usage: mixdown fmt SONG.mix [--check|--write]');
  }
  const file = files[0]!;
  const text = await readMixFile(file);
  const result = format(text);
  if (!result.ok) {
    out.stderr(toText(file, text, result.problems.map(syntaxDiagnostic)));
    out.stderr(`${file}: not formatted: fix the syntax errors first\n`);
    return EXIT.mixErrors;
  }
  if (flags.has('--check')) {
    if (result.text === text) {
      out.stdout(`${file}: formatted\n`);
      return EXIT.ok;
    }
    out.stdout(`${file}: not formatted (run: mixdown fmt ${file} --write)\n`);
    return EXIT.mixErrors;
  }
  if (flags.has('--write')) {
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
