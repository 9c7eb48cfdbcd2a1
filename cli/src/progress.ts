/** A progress bar on a terminal (stderr); silent when output is not a terminal. */
import type { RenderProgress } from '../../session/src/index.js';
import type { Output } from './output.js';

export class Progress implements RenderProgress {
  private readonly tty = process.stderr.isTTY === true;
  private last = 0;
  private started = performance.now();
  private shown = false;
  private totalS = 0;
  private label = '';

  constructor(private readonly out: Output) {}

  begin(totalS: number, label: string): void {
    this.totalS = totalS;
    this.label = label;
    this.started = performance.now();
  }

  update(doneS: number): void {
    if (!this.tty) return;
    const now = performance.now();
    if (now - this.last < 100) return;
    this.last = now;
    const width = 30;
    const f = this.totalS > 0 ? Math.min(1, doneS / this.totalS) : 1;
    const full = Math.round(f * width);
    const speed = doneS / Math.max(1e-3, (now - this.started) / 1000);
    this.out.stderr(`\r${this.label} [${'#'.repeat(full)}${'-'.repeat(width - full)}] ${String(Math.round(f * 100)).padStart(3)}%  ${speed.toFixed(1)}x real time `);
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.out.stderr('\r' + ' '.repeat(72) + '\r');
    this.shown = false;
  }
}
