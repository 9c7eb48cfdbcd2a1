/** `mixdown render SONG.mix [-o OUT.wav] [--bits 16|24|32f] [--stems DIR] [--from T] [--to T]` */
import { basename, dirname, join } from 'node:path';
import type { WavBits } from '../../engine/src/index.js';
import {
  checkWithFacts, clock, guardOutputs, prestartWorkers, readMixFile, renderMix, renderSummary, stopSpareWorkers, threadCount, type RenderJob,
} from '../../session/src/index.js';
import { CliError, EXIT, type Output } from './output.js';
import { Progress } from './progress.js';
import { summary, toText } from './report.js';

function parseRenderArgs(args: string[]): RenderJob & { out: string } {
  const usage = 'usage: mixdown render SONG.mix [-o OUT.wav] [--bits 16|24|32f] [--stems DIR] [--from TIME] [--to TIME] [--threads N]';
  const files: string[] = [];
  const opts: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (['-o', '--out', '--bits', '--stems', '--from', '--to', '--threads'].includes(a)) {
      const v = args[++i];
      if (v === undefined) throw new CliError(`render: ${a} needs a value\n${usage}`);
      opts[a === '--out' ? '-o' : a] = v;
    } else if (a.startsWith('-')) throw new CliError(`render: unknown option '${a}'\n${usage}`);
    else files.push(a);
  }
  if (files.length !== 1) throw new CliError(usage);
  const file = files[0]!;
  const bitsText = opts['--bits'] ?? '24';
  if (!['16', '24', '32f'].includes(bitsText)) throw new CliError(`render: --bits is 16, 24 or 32f, not '${bitsText}'`);
  const bits = (bitsText === '32f' ? '32f' : Number(bitsText)) as WavBits;
  const out = opts['-o'] ?? join(dirname(file), basename(file).replace(/\.mix$/i, '') + '.wav');
  if (!/\.wav$/i.test(out)) throw new CliError(`render: the output must be a .wav file: ${out}`);
  const threadsText = opts['--threads'];
  const threads = threadsText === undefined ? null : Number(threadsText);
  if (threads !== null && !(Number.isInteger(threads) && threads >= 1 && threads <= 64)) throw new CliError(`render: --threads is a whole number from 1, not '${threadsText}'`);
  return { file, out, bits, stems: opts['--stems'] ?? null, from: opts['--from'] ?? null, to: opts['--to'] ?? null, threads };
}

/** Renders and prints the one-line summary. */
export async function runRender(args: string[], out: Output): Promise<number> {
  const a = parseRenderArgs(args);
  // The worker threads start while the mix file is read and analysed.
  prestartWorkers(threadCount(a.threads ?? null));
  try {
    return await renderAndReport(a, out);
  } finally {
    await stopSpareWorkers();
  }
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
