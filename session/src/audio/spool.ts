/**
 * A temporary file of stereo float64 frames: the master's input, cached once
 * so the search for `target` can re-run the master chain without rendering
 * every track again. Disk, not memory, so long sessions stay flat in RAM.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<string>();
process.once('exit', () => { for (const d of live) rmSync(d, { recursive: true, force: true }); });

export class FrameSpool {
  private readonly dir: string;
  private readonly path: string;
  private fd: number;
  private bytes = new Uint8Array(0);
  frames = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'mixdown-'));
    live.add(this.dir);
    this.path = join(this.dir, 'master-input.f64');
    this.fd = openSync(this.path, 'w+');
  }

  append(planar: readonly Float64Array[], n: number): void {
    const view = this.view(n);
    for (let i = 0; i < n; i++) {
      view[2 * i] = planar[0]![i]!;
      view[2 * i + 1] = planar[1]![i]!;
    }
    writeSync(this.fd, this.bytes, 0, n * 16, this.frames * 16);
    this.frames += n;
  }

  /** Reads frames [start, start+n) into two planar buffers. */
  read(start: number, n: number, out: Float64Array[]): void {
    const view = this.view(n);
    let got = 0;
    while (got < n * 16) {
      const r = readSync(this.fd, this.bytes, got, n * 16 - got, start * 16 + got);
      if (r === 0) break;
      got += r;
    }
    for (let i = 0; i < n; i++) {
      out[0]![i] = view[2 * i]!;
      out[1]![i] = view[2 * i + 1]!;
    }
  }

  private view(n: number): Float64Array {
    if (this.bytes.length < n * 16) this.bytes = new Uint8Array(n * 16);
    return new Float64Array(this.bytes.buffer, 0, n * 2);
  }

  dispose(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    rmSync(this.dir, { recursive: true, force: true });
    live.delete(this.dir);
  }
}
