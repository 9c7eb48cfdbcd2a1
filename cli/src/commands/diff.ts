/**
 * `mixdown diff OLD NEW [--format text|markdown|json] [--exit-zero]`: what
 * changed in the mix between two versions, as a reviewer reads it. OLD and
 * NEW are files or `REV:path` from git. Exit codes follow `diff`: 0 no mix
 * changes, 1 changes, 2 trouble (a version that cannot be read, or has errors).
 */
import { check, diffModels, formatChangesMarkdown, formatChangesText, type CheckedDocument, type MixChange } from '../../../grammar/src/index.js';
import type { LoudnessReport } from '../../../engine/src/index.js';
import { audioDiff, loadPlotLibraries, makePlotFolder, readMixVersion, SessionError, writeDiffPlots, type AudioDiff, type AudioDiffOptions, type AudioSide, type MixVersion } from '../../../session/src/index.js';
import type { Command, CommandSpec } from '../options.js';
import { CliError, EXIT, type Output } from '../output.js';
import { Progress } from '../progress.js';
import { summary, toText } from '../report.js';

const FORMATS = ['text', 'markdown', 'json'] as const;
type Format = (typeof FORMATS)[number];

const spec: CommandSpec = {
  name: 'diff',
  usage: 'usage: mixdown diff OLD NEW [--format text|markdown|json] [--audio] [--plots DIR] [--exit-zero]',
  summary: 'Shows what changed in the mix between two versions (files, or REV:path from git, as in HEAD~1:song.mix): '
    + 'channels, processors, bands and settings, never formatting. Exits 0 with no mix changes, 1 with changes, 2 on trouble.',
  options: {
    format: { type: 'string', value: 'text|markdown|json', help: 'text (the default), a markdown table for a pull request, or JSON' },
    audio: { type: 'boolean', help: 'render both versions: loudness, range and true peak of the master and of each changed channel, and a null test' },
    plots: { type: 'string', value: 'DIR', help: 'write PNG charts into DIR: the EQ of each channel whose EQ changed, and the master\'s loudness over time (renders both versions)' },
    'exit-zero': { type: 'boolean', help: 'exit 0 whether or not the mix changed (2 still means trouble)' },
    git: { type: 'boolean', help: "as git's external diff driver: takes git's arguments (PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE NEW-HEX NEW-MODE), see docs/git.md" },
  },
};

export const diff: Command = {
  spec,
  async run(args, values, out) {
    if (values['git'] === true) return gitDriver(args, out);
    if (args.length !== 2) throw new CliError(spec.usage);
    const format = (values['format'] ?? 'text') as string;
    if (!(FORMATS as readonly string[]).includes(format)) throw new CliError(`diff: --format is text, markdown or json, not '${format}'`);
    const cwd = process.cwd();
    const [older, newer] = await Promise.all(args.map((a) => readMixVersion(a, cwd)));
    const { a, b, changes, troubled } = compare(older!, newer!, out);
    const plots = typeof values['plots'] === 'string' ? values['plots'] : null;
    const rendering = values['audio'] === true || plots !== null;
    // A version that does not check cannot be rendered (its audio would not be the mix as written): the diff still shows what it can.
    if (rendering && troubled) {
      out.stdout(render(format as Format, changes, older!, newer!, null));
      throw new CliError(`diff ${plots !== null ? '--plots' : '--audio'}: a version has errors (above), so neither is rendered`);
    }
    // The chart libraries and the folder first: a missing one is told before minutes of rendering.
    if (plots !== null) await Promise.all([loadPlotLibraries(), makePlotFolder(plots)]);
    const [oldSide, newSide] = [
      { model: a.model, folder: older!.folder, fileName: older!.fileName },
      { model: b.model, folder: newer!.folder, fileName: newer!.fileName },
    ];
    const audio = rendering ? await renderBoth(oldSide, newSide, changes, { progress: new Progress(out), shortTerm: plots !== null }) : null;
    out.stdout(render(format as Format, changes, older!, newer!, values['audio'] === true ? audio : null));
    if (plots !== null) {
      const written = await writeDiffPlots(plots, oldSide, newSide, changes, audio);
      out.stderr(`plots: ${written.length === 0 ? 'nothing to draw' : written.join(', ')}\n`);
    }
    if (troubled) return EXIT.usage;
    return changes.length > 0 && values['exit-zero'] !== true ? EXIT.mixErrors : EXIT.ok;
  },
};

/**
 * `git diff` with `diff.mix.command = mixdown diff --git` (docs/git.md):
 * git passes the path and each side as a temporary file (/dev/null for a
 * side that does not exist). Git takes any exit but 0 as a failure, so
 * changes exit 0 here.
 */
async function gitDriver(args: readonly string[], out: Output): Promise<number> {
  if (args.length < 7) throw new CliError(`diff --git: git's diff driver passes 7 arguments (PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE NEW-HEX NEW-MODE), got ${args.length}`);
  const [path, oldFile, , , newFile] = args as [string, string, string, string, string];
  const newPath = args.length >= 9 ? args[7]! : path;
  // /dev/null reads as an empty mix, like any empty file.
  const side = async (file: string, label: string): Promise<MixVersion> => ({ ...(await readMixVersion(file, process.cwd())), label, fileName: label.split('/').pop()! });
  const [older, newer] = [await side(oldFile, `a/${path}`), await side(newFile, `b/${newPath}`)];
  out.stdout(`mix diff ${older.label} ${newer.label}\n${formatChangesText(compare(older, newer, out).changes)}`);
  return EXIT.ok;
}

/**
 * Both versions checked and compared; the errors of each are reported,
 * naming it. A version with errors still gives what it can: its model is
 * complete, with defaults where it is wrong.
 */
function compare(older: MixVersion, newer: MixVersion, out: Output): { a: CheckedDocument; b: CheckedDocument; changes: MixChange[]; troubled: boolean } {
  // Both as the new file: a title left to default is the file's name, and versions of one mix may be named otherwise.
  const [a, b] = [checked(older, newer.fileName), checked(newer, newer.fileName)];
  const troubled = [reportErrors(older, a, out), reportErrors(newer, b, out)].some(Boolean);
  return { a, b, changes: diffModels(a.model, b.model), troubled };
}

/** Both versions rendered; an audio file that cannot be read is trouble for diff (exit 2), as any unreadable input is. */
async function renderBoth(older: AudioSide, newer: AudioSide, changes: readonly MixChange[], options: AudioDiffOptions): Promise<AudioDiff> {
  try {
    return await audioDiff(older, newer, changes, options);
  } catch (err) {
    if (err instanceof SessionError && err.kind === 'mix') throw new CliError(`diff: ${err.message}`, EXIT.usage);
    throw err;
  }
}

function checked(v: MixVersion, fileName: string): CheckedDocument {
  return check(v.text, { fileName });
}

/** Errors of a version on stderr, naming it; true when it has any. */
function reportErrors(v: MixVersion, doc: CheckedDocument, out: Output): boolean {
  const errors = doc.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return false;
  out.stderr(toText(v.label, v.text, errors));
  out.stderr(`${v.label}: ${summary(errors)}; the diff shows what could be read\n`);
  return true;
}

function render(format: Format, changes: readonly MixChange[], older: MixVersion, newer: MixVersion, audio: AudioDiff | null): string {
  switch (format) {
    case 'text': return formatChangesText(changes) + (audio ? audioText(audio) : '');
    case 'markdown': return formatChangesMarkdown(changes, `Mix changes, ${older.label} → ${newer.label}`) + (audio ? audioMarkdown(audio) : '');
    // With --audio: {changes, audio}; silence and identical renders are null (JSON has no infinities).
    // The loudness series behind the plot is left out: the plot shows it.
    case 'json': return JSON.stringify(audio ? { changes, audio: { ...audio, shortTerm: undefined } } : changes, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
  }
}

const db = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : x > 0 ? 'inf' : '-inf');
/** `+0.8`, `-1.1`, `0.0`: the change between the two values as they are shown (to 0.1), so the line adds up. */
function delta(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return 'n/a';
  const d = Math.round(Math.round(b * 10) - Math.round(a * 10)) / 10;
  return d === 0 ? '0.0' : `${d > 0 ? '+' : ''}${d.toFixed(1)}`;
}

/** `-14.0 -> -13.2 LUFS (+0.8 LU), range 6.1 -> 5.9 LU, true peak -1.0 -> -0.8 dBTP` */
function loudnessLine(o: LoudnessReport | null, n: LoudnessReport | null): string {
  if (!o || !n) {
    const r = (o ?? n)!;
    return `${o ? 'removed, was' : 'added,'} ${db(r.integratedLufs)} LUFS, range ${db(r.loudnessRangeLu)} LU, true peak ${db(r.truePeakDbtp)} dBTP`;
  }
  return `${db(o.integratedLufs)} -> ${db(n.integratedLufs)} LUFS (${delta(o.integratedLufs, n.integratedLufs)} LU), `
    + `range ${db(o.loudnessRangeLu)} -> ${db(n.loudnessRangeLu)} LU, true peak ${db(o.truePeakDbtp)} -> ${db(n.truePeakDbtp)} dBTP`;
}

function nullTestLine(a: AudioDiff): string {
  const t = a.nullTest;
  if (t.belowMixDb === null) return `null test: ${t.note}`;
  if (t.belowMixDb === -Infinity) return 'null test: the two renders are identical';
  if (a.master.old.samplePeakDbfs === -Infinity) return 'null test: the old render is silent, so the difference is the new mix';
  if (t.nulls) return `null test: the renders null (the difference, ${db(-t.belowMixDb)} dB below the mix, is rounding)`;
  if (t.belowMixDb === Infinity) return `null test: the new render is silent${t.largest ? `; the old one was loudest against it at ${t.largest.where}` : ''}`;
  const level = t.belowMixDb < 0 ? `${db(-t.belowMixDb)} dB below the mix` : `${db(t.belowMixDb)} dB louder than the mix`;
  return `null test: the difference is ${level}${t.largest ? `; largest at ${t.largest.where}, ${db(t.largest.rmsDbfs)} dBFS RMS` : ''}`;
}

function audioText(a: AudioDiff): string {
  const lines = [
    `audio: both versions rendered; ${a.metered.count} of ${a.metered.of} channels metered (those that changed)`,
    `  master: ${loudnessLine(a.master.old, a.master.new)}`,
    ...a.channels.map((c) => `  ${c.kind} ${c.name}: ${loudnessLine(c.old, c.new)}`),
    `  ${nullTestLine(a)}`,
  ];
  return lines.join('\n') + '\n';
}

function audioMarkdown(a: AudioDiff): string {
  const cell = (o: LoudnessReport | null, n: LoudnessReport | null, key: 'integratedLufs' | 'loudnessRangeLu' | 'truePeakDbtp') =>
    o && n ? `${db(o[key])} → ${db(n[key])} (${delta(o[key], n[key])})` : o ? `${db(o[key])} → removed` : `added: ${db(n![key])}`;
  const row = (name: string, o: LoudnessReport | null, n: LoudnessReport | null) =>
    `| ${name} | ${cell(o, n, 'integratedLufs')} | ${cell(o, n, 'loudnessRangeLu')} | ${cell(o, n, 'truePeakDbtp')} |`;
  return [
    '',
    `**Audio** (both versions rendered; ${a.metered.count} of ${a.metered.of} channels metered)`,
    '',
    '| | integrated LUFS | loudness range LU | true peak dBTP |',
    '|---|---|---|---|',
    row('**master**', a.master.old, a.master.new),
    ...a.channels.map((c) => row(`${c.kind} ${c.name}`, c.old, c.new)),
    '',
    nullTestLine(a).replace(/^null test:/, '**Null test:**'),
    '',
  ].join('\n');
}
