/**
 * The preview's frozen stems, written by the analysis worker as it renders
 * the mix: for each summing group of the session (engine/src/render/graph.ts)
 * whose stem is not on disk yet, the group's sum, sample for sample as the
 * bus receives it, into a 64-bit float stereo WAV file named after a hash of
 * the group's signature. The preview then plays the group from that file
 * instead of running its tracks, bit-identical to running them.
 *
 * A stem is written to a `.part` file and renamed when whole, so a render
 * stopped half way (a newer edit) leaves nothing that could be played.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { wavHeader, type SummingGroup } from '../../../engine/src/index.js';

/** A stem as the panel hands it to the page: the group's signature and the file. */
export interface FrozenStem {
  readonly signature: string;
  /** Absolute path of the stem file. */
  readonly file: string;
}

/** The stem file of a group with `signature`, in `folder`. */
export function stemFile(folder: string, signature: string): string {
  return join(folder, `${createHash('sha256').update(signature).digest('hex').slice(0, 32)}.wav`);
}

/** A RIFF file's size field is 32 bits. */
const MAX_RIFF_BYTES = 0xffffffff;

/** The header of a stereo 64-bit float WAV of `frames` frames. */
function header(sampleRate: number, frames: number): Uint8Array {
  return wavHeader(sampleRate, 2, '64f', frames * 16);
}

/**
 * Writes the stems of the groups not on disk yet as the render goes (hand
 * `add` to the render's `onGroup`), then `finish` renames them into place.
 */
export class StemWriter {
  private readonly open = new Map<string, { fd: number; part: string; file: string; frames: number; next: number }>();
  private readonly stems = new Map<string, string>();
  private readonly tooLong = new Set<string>();
  /** Interleaved frames for one write (the platforms Node runs on are little-endian, as WAV is). */
  private block = new Float64Array(0);

  /** `maxBytes`: the largest file written (a RIFF file's limit; smaller in tests). */
  constructor(private readonly folder: string, private readonly sampleRate: number, private readonly maxBytes = MAX_RIFF_BYTES) {
    // What a stopped render left.
    try {
      for (const name of readdirSync(folder)) if (name.endsWith('.part')) rmSync(join(folder, name), { force: true });
    } catch {
      // no folder yet
    }
  }

  add(group: SummingGroup, sum: readonly Float64Array[], position: number, frames: number): void {
    const key = group.signature;
    let stem = this.open.get(key);
    if (!stem) {
      if (this.stems.has(key) || this.tooLong.has(key)) return; // the same group twice, already whole, or too long
      const file = stemFile(this.folder, key);
      this.stems.set(key, file);
      if (existsSync(file)) return;
      const part = `${file}.part`;
      const fd = openSync(part, 'w');
      writeSync(fd, header(this.sampleRate, 0));
      stem = { fd, part, file, frames: 0, next: 0 };
      this.open.set(key, stem);
    }
    // Positions arrive in order from 0; a gap would be a render that skipped (it does not).
    if (position !== stem.next) throw new Error(`stem of ${group.key}: frames ${stem.next}… expected, ${position} given`);
    if (44 + (stem.frames + frames) * 16 > this.maxBytes) {
      // Longer than a WAV file can say (about 93 minutes at 48 kHz): no stem, the group stays live.
      closeSync(stem.fd);
      rmSync(stem.part, { force: true });
      this.open.delete(key);
      this.stems.delete(key);
      this.tooLong.add(key);
      return;
    }
    if (this.block.length < 2 * frames) this.block = new Float64Array(2 * frames);
    const b = this.block;
    const L = sum[0]!;
    const R = sum[1]!;
    for (let i = 0; i < frames; i++) {
      b[2 * i] = L[i]!;
      b[2 * i + 1] = R[i]!;
    }
    writeSync(stem.fd, new Uint8Array(b.buffer, 0, 16 * frames));
    stem.frames += frames;
    stem.next = position + frames;
  }

  /** Closes the stems written, puts them in place, and returns every group's stem. */
  finish(): FrozenStem[] {
    for (const stem of this.open.values()) {
      writeSync(stem.fd, header(this.sampleRate, stem.frames), 0, 44, 0);
      closeSync(stem.fd);
      renameSync(stem.part, stem.file);
    }
    this.open.clear();
    // A stem found on disk at the start may have been pruned since (an old one reused after an undo): left out, its group plays live.
    return [...this.stems].filter(([, file]) => existsSync(file)).map(([signature, file]) => ({ signature, file }));
  }

  /** Gives up: the stems being written are removed. */
  abandon(): void {
    for (const stem of this.open.values()) {
      closeSync(stem.fd);
      rmSync(stem.part, { force: true });
    }
    this.open.clear();
  }
}

/**
 * What the last analysis froze, kept beside its stems (INDEX_FILE) so that
 * a panel opened again plays them at once, before its own analysis is done:
 * the stems by signature, and the `trim auto` gains measured for the text
 * with hash `text` (the groups of auto-trimmed tracks match only with them).
 */
export interface StemIndex {
  /** sha256 of the mix file's text the analysis was made for. */
  readonly text: string;
  readonly trims: Readonly<Record<string, number>>;
  readonly stems: readonly FrozenStem[];
}

const INDEX_FILE = 'stems.json';

export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Writes the index (whole or not at all: a new file renamed over the old). */
export async function writeStemIndex(folder: string, index: StemIndex): Promise<void> {
  const file = join(folder, INDEX_FILE);
  const stems = index.stems.map((s) => ({ signature: s.signature, file: basename(s.file) }));
  await mkdir(folder, { recursive: true });
  await writeFile(`${file}.part`, JSON.stringify({ text: index.text, trims: index.trims, stems }));
  await rename(`${file}.part`, file);
}

/** The index in `folder`, with only the stems still on disk; null when there is none or it cannot be read. */
export async function readStemIndex(folder: string): Promise<StemIndex | null> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(folder, INDEX_FILE), 'utf8'));
  } catch {
    return null;
  }
  const r = raw as Partial<{ text: unknown; trims: unknown; stems: unknown }>;
  if (typeof r.text !== 'string' || typeof r.trims !== 'object' || r.trims === null || !Array.isArray(r.stems)) return null;
  const trims: Record<string, number> = {};
  for (const [name, db] of Object.entries(r.trims)) if (typeof db === 'number') trims[name] = db;
  const stems: FrozenStem[] = [];
  for (const s of r.stems as Partial<{ signature: unknown; file: unknown }>[]) {
    // A stem's name is its signature's hash: one that does not match was not written by us.
    if (typeof s.signature !== 'string' || typeof s.file !== 'string') continue;
    const file = stemFile(folder, s.signature);
    if (basename(file) === s.file && existsSync(file)) stems.push({ signature: s.signature, file });
  }
  return { text: r.text, trims, stems };
}

/**
 * Keeps the stems of the `keep` mix files previewed last (by their index's
 * time) under `root`, and of the `open` ones; the other folders are deleted.
 * Stems take room (a 16-track group of a 5-minute song is 230 MB), so only
 * the sessions one goes back to keep theirs.
 */
export async function pruneFrozenFolders(root: string, open: readonly string[], keep: number): Promise<void> {
  const folders = await readdir(root, { withFileTypes: true }).catch(() => []);
  const dated = await Promise.all(
    folders
      .filter((d) => d.isDirectory() && !open.includes(join(root, d.name)))
      .map(async (d) => {
        const folder = join(root, d.name);
        const s = await stat(join(folder, INDEX_FILE)).catch(() => null);
        return { folder, time: s?.mtimeMs ?? 0 };
      }),
  );
  dated.sort((a, b) => b.time - a.time);
  for (const { folder } of dated.slice(keep)) await rm(folder, { recursive: true, force: true });
}
