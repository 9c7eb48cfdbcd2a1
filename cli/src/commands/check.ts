/** `mixdown check SONG.mix [--json]` */
import { checkWithFacts, readMixFile } from '../../../session/src/index.js';
import type { Command, CommandSpec } from '../options.js';
import { CliError, EXIT } from '../output.js';
import { summary, tempoMapJson, toJson, toText } from '../report.js';

const spec: CommandSpec = {
  name: 'check',
  usage: 'usage: mixdown check SONG.mix [--json]',
  summary: 'Reports the problems in a mix file, with its audio files read as the editor reads them; exits 1 on any error.',
  options: {
    json: { type: 'boolean', help: 'print the problems, and the tempo map the session resolves to, as JSON' },
  },
};

export const check: Command = {
  spec,
  async run(files, values, out) {
    if (files.length !== 1) throw new CliError(spec.usage);
    const file = files[0]!;
    const text = await readMixFile(file);
    const checked = await checkWithFacts(file, text);
    if (values['json']) {
      out.stdout(JSON.stringify({ diagnostics: toJson(file, text, checked.diagnostics), tempoMap: tempoMapJson(checked.model) }, null, 2) + '\n');
    } else {
      out.stdout(toText(file, text, checked.diagnostics));
      out.stdout(`${file}: ${summary(checked.diagnostics)}\n`);
    }
    return checked.hasErrors ? EXIT.mixErrors : EXIT.ok;
  },
};
