/** `mixdown render SONG.mix [-o OUT.wav] [--bits 16|24|32f] [--stems DIR] [--from T] [--to T] [--threads N]` */
import { basename, dirname, join } from 'node:path';
import type { WavBits } from '../../../engine/src/index.js';
import {
  checkWithFacts, clock, guardOutputs, prestartWorkers, readMixFile, renderMix, renderSummary, stopSpareWorkers, threadCount, type RenderJob,
} from '../../../session/src/index.js';
import type { Command, CommandSpec, Values } from '../options.js';
import { CliError, EXIT, type Output } from '../output.js';
import { Progress } from '../progress.js';
import { summary, toText } from '../report.js';

const spec: CommandSpec = {
  name: 'render',
  usage: 'usage: mixdown render SONG.mix [-o OUT.wav] [--bits 16|24|32f] [--stems DIR] [--from TIME] [--to TIME] [--threads N]',
  summary: 'Renders the mix to a WAV file, and prints its length, loudness and true peak.',
  options: {
    out: { type: 'string', short: 'o', value: 'OUT.wav', help: 'the file to write (default: SONG.wav beside the mix file)' },
    bits: { type: 'string', value: '16|24|32f', help: 'sample format: 16- or 24-bit PCM with dither, or 32-bit float (default 24)' },
    stems: { type: 'string', value: 'DIR', help: 'also write each track and bus, post-fader, to DIR/NAME.wav' },
    from: { type: 'string', value: 'TIME', help: "start at TIME: 83.5 s, 1:23.5, 'bar 17' or a marker" },
    to: { type: 'string', value: 'TIME', help: 'end at TIME (default: the end of the session)' },
    threads: { type: 'string', value: 'N', help: 'render on N threads (default: MIXDOWN_THREADS, or up to 4 cores)' },
  },
  usageAfterErrors: true,
};

export const render: Command = {
  spec,
  async run(files, values, out) {
    const job = renderJob(files, values);
    // The worker threads start while the mix file is read and analysed.
    prestartWorkers(threadCount(job.threads ?? null));
    try {
      return await renderAndReport(job, out);
    } finally {
      await stopSpareWorkers();
    }
  },
};

function renderJob(files: readonly string[], values: Values): RenderJob & { out: string } {
  if (files.length !== 1) throw new CliError(spec.usage);
  const file = files[0]!;
  const option = (name: string) => values[name] as string | undefined;
  const bitsText = option('bits') ?? '24';
  if (!['16', '24', '32f'].includes(bitsText)) throw new CliError(`render: --bits is 16, 24 or 32f, not '${bitsText}'`);
  const bits = (bitsText === '32f' ? '32f' : Number(bitsText)) as WavBits;
  const out = option('out') ?? join(dirname(file), basename(file).replace(/\.mix$/i, '') + '.wav');
  if (!/\.wav$/i.test(out)) throw new CliError(`render: the output must be a .wav file: ${out}`);
  const threadsText = option('threads');
  const threads = threadsText === undefined ? null : Number(threadsText);
  if (threads !== null && !(Number.isInteger(threads) && threads >= 1 && threads <= 64)) throw new CliError(`render: --threads is a whole number from 1, not '${threadsText}'`);
  return { file, out, bits, stems: option('stems') ?? null, from: option('from') ?? null, to: option('to') ?? null, threads };
}

async function renderAndReport(a: RenderJob & { out: string }, out: Output): Promise<number> {
  const text = await readMixFile(a.file);
  const checked = await checkWithFacts(a.file, text);
  if (checked.hasErrors) {
    out.stderr(toText(a.file, text, checked.diagnostics.filter((d) => d.severity === 'error')));
    out.stderr(`${a.file}: not rendered: ${summary(checked.diagnostics.filter((d) => d.severity === 'error'))}\n`);
    return EXIT.mixErrors;
  }
  guardOutputs(checked.model, a);

  const started = performance.now();
  const result = await renderMix(checked.model, { ...a, progress: new Progress(out) });
  const seconds = (performance.now() - started) / 1000;
  out.stdout(`${a.out}: ${clock(result.durationS)}, ${renderSummary(result, seconds)}\n`);
  if (result.target && !result.target.reached) {
    out.stderr(`mixdown: warning: target ${checked.model.channels.at(-1)!.targetLufs} LUFS not reached: ${result.target.reason}\n`);
  }
  if (result.clipped > 0) out.stderr(`mixdown: warning: ${result.clipped} samples clipped at full scale; add a limiter to master or lower the gain\n`);
  return EXIT.ok;
}
