/** `mixdown check SONG.mix [--json]` */
import { checkWithFacts, readMixFile } from '../../session/src/index.js';
import { CliError, EXIT, parseArgs, type Output } from './output.js';
import { summary, toJson, toText } from './report.js';

export async function runCheck(args: string[], out: Output): Promise<number> {
  const { files, flags } = parseArgs(args, ['--json'], 'check');
  if (files.length !== 1) throw new CliError('usage: mixdown check SONG.mix [--json]');
  const file = files[0]!;
  const text = await readMixFile(file);
  const checked = await checkWithFacts(file, text);
  if (flags.has('--json')) {
    out.stdout(JSON.stringify(toJson(file, text, checked.diagnostics), null, 2) + '\n');
  } else {
    out.stdout(toText(file, text, checked.diagnostics));
    out.stdout(`${file}: ${summary(checked.diagnostics)}\n`);
  }
  return checked.hasErrors ? EXIT.mixErrors : EXIT.ok;
}
