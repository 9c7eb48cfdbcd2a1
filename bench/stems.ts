/**
 * Stems for the benchmarks: stereo band-limited noise under a slow amplitude
 * envelope (so compressors work), from a fixed seed, written in pieces so a
 * long stem never sits in memory whole. Kept between runs: an existing file
 * is not written again.
 */
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { Mulberry32, wavHeader } from '../engine/src/index.js';

export function writeNoiseStem(path: string, seconds: number, rate: number, seed: number, bits: 16 | 24): void {
  if (existsSync(path)) return;
  const frames = seconds * rate;
  const bytes = bits / 8;
  const full = bits === 16 ? 32767 : 8388607;
  const rng = new Mulberry32(seed);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, wavHeader(rate, 2, bits, frames * 2 * bytes));
    const chunk = rate;
    const data = new Uint8Array(chunk * 2 * bytes);
    let lpL = 0;
    let lpR = 0;
    for (let at = 0; at < frames; at += chunk) {
      const n = Math.min(chunk, frames - at);
      for (let i = 0; i < n; i++) {
        const t = at + i;
        const env = 0.25 + 0.2 * Math.sin((2 * Math.PI * t) / (rate * (0.5 + (seed % 7) * 0.1)));
        lpL += 0.2 * (rng.next() * 2 - 1 - lpL);
        lpR += 0.2 * (rng.next() * 2 - 1 - lpR);
        for (const [c, v] of [[0, lpL], [1, lpR]] as const) {
          const q = Math.max(-full - 1, Math.min(full, Math.round(v * env * 2 * full)));
          const p = (i * 2 + c) * bytes;
          data[p] = q & 0xff;
          data[p + 1] = (q >> 8) & 0xff;
          if (bytes === 3) data[p + 2] = (q >> 16) & 0xff;
        }
      }
      writeSync(fd, data, 0, n * 2 * bytes);
    }
  } finally {
    closeSync(fd);
  }
}
