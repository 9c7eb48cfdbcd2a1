/** `mixdown meter FILE.wav|SONG.mix [--json]`: loudness per ITU-R BS.1770-4 / EBU R128. */
import type { LoudnessReport } from '../../../engine/src/index.js';
import { checkWithFacts, meterWav, readMixFile, renderMix } from '../../../session/src/index.js';
import type { Command, CommandSpec } from '../options.js';
import { CliError, EXIT, type Output } from '../output.js';
import { Progress } from '../progress.js';
import { summary, toText } from '../report.js';

const spec: CommandSpec = {
  name: 'meter',
  usage: 'usage: mixdown meter FILE.wav|SONG.mix [--json]',
  summary: 'Measures loudness (EBU R128 / BS.1770-4) of a WAV file, or of a mix rendered without writing it, with each track and bus.',
  options: {
    json: { type: 'boolean', help: 'print the measurements as JSON (silence is null)' },
  },
};

export const meter: Command = {
  spec,
  run(files, values, out) {
    if (files.length !== 1) throw new CliError(spec.usage);
    return meterFile(files[0]!, values['json'] === true, out);
  },
};

async function meterFile(file: string, asJson: boolean, out: Output): Promise<number> {
  let report: LoudnessReport;
  let tracks: Map<string, LoudnessReport> | null = null;
  if (/\.mix$/i.test(file)) {
    const text = await readMixFile(file);
    const checked = await checkWithFacts(file, text);
    if (checked.hasErrors) {
      const errors = checked.diagnostics.filter((d) => d.severity === 'error');
      out.stderr(toText(file, text, errors));
      out.stderr(`${file}: not measured: ${summary(errors)}\n`);
      return EXIT.mixErrors;
    }
    const result = await renderMix(checked.model, { file, out: null, bits: 24, stems: null, from: null, to: null, progress: new Progress(out) }, { channelMeters: true });
    report = result.report;
    tracks = result.channels;
  } else {
    report = meterWav(file);
  }
  if (asJson) {
    const json: Record<string, unknown> = { ...jsonReport(report) };
    if (tracks) json['tracks'] = Object.fromEntries([...tracks].map(([name, r]) => [name, jsonReport(r)]));
    out.stdout(JSON.stringify(json, null, 2) + '\n');
  } else {
    out.stdout(textReport(file, report));
    if (tracks) for (const [name, r] of tracks) out.stdout(`  ${name.padEnd(16)} ${fmt(r.integratedLufs, 'LUFS')}  peak ${fmt(r.truePeakDbtp, 'dBTP')}\n`);
  }
  return EXIT.ok;
}

/** The design's JSON keys; silence is null (JSON has no -Infinity). */
function jsonReport(r: LoudnessReport): Record<string, number | null> {
  const n = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : null);
  return {
    integratedLufs: n(r.integratedLufs),
    loudnessRangeLu: n(r.loudnessRangeLu),
    maxMomentaryLufs: n(r.maxMomentaryLufs),
    maxShortTermLufs: n(r.maxShortTermLufs),
    samplePeakDbfs: n(r.samplePeakDbfs),
    truePeakDbtp: n(r.truePeakDbtp),
    durationS: n(r.durationS),
    sampleRate: r.sampleRate,
    channels: r.channels,
  };
}

function fmt(v: number, unit: string): string {
  return Number.isFinite(v) ? `${v.toFixed(1)} ${unit}` : `-inf ${unit}`;
}

function textReport(file: string, r: LoudnessReport): string {
  return [
    `${file}`,
    `  integrated      ${fmt(r.integratedLufs, 'LUFS')}`,
    `  loudness range  ${Number.isFinite(r.loudnessRangeLu) ? r.loudnessRangeLu.toFixed(1) : '-'} LU`,
    `  max momentary   ${fmt(r.maxMomentaryLufs, 'LUFS')}`,
    `  max short-term  ${fmt(r.maxShortTermLufs, 'LUFS')}`,
    `  sample peak     ${fmt(r.samplePeakDbfs, 'dBFS')}`,
    `  true peak       ${fmt(r.truePeakDbtp, 'dBTP')}`,
    `  duration        ${r.durationS.toFixed(2)} s, ${r.sampleRate} Hz, ${r.channels === 1 ? 'mono' : 'stereo'}`,
    '',
  ].join('\n');
}
