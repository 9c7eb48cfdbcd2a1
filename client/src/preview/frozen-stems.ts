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
import { join } from 'node:path';
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
