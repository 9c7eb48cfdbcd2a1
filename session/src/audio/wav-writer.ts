/**
 * Writes a WAV file as the render goes: to a temporary file beside the
 * target, renamed over it only when complete. A failed or interrupted render
 * never leaves a half-written output, and never touches a source.
 */
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { bytesPerSample, WavEncoder, wavHeader, type WavBits } from '../../../engine/src/index.js';

const live = new Set<string>();
// Whatever stops the process, unfinished outputs are removed.
process.once('exit', () => { for (const t of live) try { unlinkSync(t); } catch { /* already gone */ } });

/** Where a WAV file is written until it is complete (then renamed to `path`): hidden, beside it, named by this process. */
export function unfinishedPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.part`);
}

export class WavFileWriter {
  readonly temp: string;
  private fd: number;
  private dataBytes = 0;
  private readonly encoder: WavEncoder;
  private buffer: Uint8Array;

  constructor(readonly path: string, readonly sampleRate: number, readonly channels: number, readonly bits: WavBits) {
    this.temp = unfinishedPath(path);
    this.fd = openSync(this.temp, 'w');
    live.add(this.temp);
    writeSync(this.fd, wavHeader(sampleRate, channels, bits, 0));
    this.encoder = new WavEncoder(channels, bits);
    this.buffer = new Uint8Array(0);
  }

  get clippedSamples(): number {
    return this.encoder.clipped;
  }

  write(planar: readonly Float64Array[], frames: number): void {
    const need = frames * this.channels * bytesPerSample(this.bits);
    if (this.buffer.length < need) this.buffer = new Uint8Array(need);
    const n = this.encoder.encode(planar, frames, this.buffer);
    writeSync(this.fd, this.buffer, 0, n);
    this.dataBytes += n;
  }

  /** Completes the header and moves the file into place. */
  finish(): void {
    if ((this.dataBytes & 1) === 1) writeSync(this.fd, new Uint8Array(1)); // RIFF pad byte
    writeSync(this.fd, wavHeader(this.sampleRate, this.channels, this.bits, this.dataBytes), 0, 44, 0);
    closeSync(this.fd);
    this.fd = -1;
    renameSync(this.temp, this.path);
    live.delete(this.temp);
  }

  abort(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    try { unlinkSync(this.temp); } catch { /* never created */ }
    live.delete(this.temp);
  }
}
