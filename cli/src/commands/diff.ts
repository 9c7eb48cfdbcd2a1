/**
 * `mixdown diff OLD NEW [--format text|markdown|json] [--exit-zero]`: what
 * changed in the mix between two versions, as a reviewer reads it. OLD and
 * NEW are files or `REV:path` from git. Exit codes follow `diff`: 0 no mix
 * changes, 1 changes, 2 trouble (a version that cannot be read, or has errors).
 */
import { check, diffModels, formatChangesMarkdown, formatChangesText, type CheckedDocument } from '../../../grammar/src/index.js';
import { readMixVersion, type MixVersion } from '../../../session/src/index.js';
import type { Command, CommandSpec } from '../options.js';
import { CliError, EXIT, type Output } from '../output.js';
import { summary, toText } from '../report.js';

const FORMATS = ['text', 'markdown', 'json'] as const;
type Format = (typeof FORMATS)[number];

const spec: CommandSpec = {
  name: 'diff',
  usage: 'usage: mixdown diff OLD NEW [--format text|markdown|json] [--exit-zero]',
  summary: 'Shows what changed in the mix between two versions (files, or REV:path from git, as in HEAD~1:song.mix): '
    + 'channels, processors, bands and settings, never formatting. Exits 0 with no mix changes, 1 with changes, 2 on trouble.',
  options: {
    format: { type: 'string', value: 'text|markdown|json', help: 'text (the default), a markdown table for a pull request, or JSON' },
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
    // Both as the new file: a title left to default is the file's name, and versions of one mix may be named otherwise.
    const [a, b] = [checked(older!, newer!.fileName), checked(newer!, newer!.fileName)];
    // A version with errors still gives what it can: its model is complete, with defaults where it is wrong.
    const troubled = [reportErrors(older!, a, out), reportErrors(newer!, b, out)].some(Boolean);
    const changes = diffModels(a.model, b.model);
    out.stdout(render(format as Format, changes, older!, newer!));
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
  const side = async (file: string, label: string): Promise<MixVersion> => {
    const fileName = label.split('/').pop()!;
    if (file === '/dev/null') return { label, text: '', folder: '.', fileName };
    return { ...(await readMixVersion(file, process.cwd())), label, fileName };
  };
  const [older, newer] = [await side(oldFile, `a/${path}`), await side(newFile, `b/${newPath}`)];
  const [a, b] = [checked(older, newer.fileName), checked(newer, newer.fileName)];
  reportErrors(older, a, out);
  reportErrors(newer, b, out);
  out.stdout(`mix diff ${older.label} ${newer.label}\n${formatChangesText(diffModels(a.model, b.model))}`);
  return EXIT.ok;
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

function render(format: Format, changes: ReturnType<typeof diffModels>, older: MixVersion, newer: MixVersion): string {
  switch (format) {
    case 'text': return formatChangesText(changes);
    case 'markdown': return formatChangesMarkdown(changes, `Mix changes, ${older.label} → ${newer.label}`);
    case 'json': return JSON.stringify(changes, null, 2) + '\n';
  }
}
