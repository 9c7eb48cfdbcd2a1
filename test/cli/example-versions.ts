/**
 * Two versions of the example session for the `mixdown diff --audio` and
 * `--plots` tests: the example as it is, and the same with two mix moves (the
 * kick's box cut deeper, an EQ change; the loop panned further left, no EQ
 * change). Both are written beside the example's audio, so both find it.
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exampleSession } from '../browser/prepare.js';

export interface ExampleVersions {
  /** A temporary folder of the test's own. */
  readonly tmp: string;
  /** The example's folder, where the two versions are. */
  readonly folder: string;
  /** File names in `folder`. */
  readonly old: string;
  readonly new: string;
  /** Removes the two versions, `alsoRemove` (names in `folder`) and `tmp`. */
  dispose(alsoRemove?: readonly string[]): Promise<void>;
}

export async function exampleVersions(prefix: string): Promise<ExampleVersions> {
  const tmp = await mkdtemp(join(tmpdir(), `mixdown-${prefix}-`));
  const example = await exampleSession(tmp);
  const folder = dirname(example);
  const text = await readFile(example, 'utf8');
  const edits: [string, string][] = [['bell boxy 350 Hz -4 dB q 2', 'bell boxy 350 Hz -8 dB q 2'], ['pan -10%', 'pan -40%']];
  if (edits.some(([from]) => !text.includes(from))) throw new Error('the example no longer has the settings the diff tests edit');
  const edited = edits.reduce((t, [from, to]) => t.replace(from, to), text);
  const [old, neu] = [`${prefix}-old.mix`, `${prefix}-new.mix`];
  await copyFile(example, join(folder, old));
  await writeFile(join(folder, neu), edited);
  return {
    tmp, folder, old, new: neu,
    async dispose(alsoRemove = []) {
      await Promise.all([old, neu, ...alsoRemove].map((f) => rm(join(folder, f), { force: true })));
      await rm(tmp, { recursive: true, force: true });
    },
  };
}
