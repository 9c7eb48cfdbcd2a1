/**
 * Encoding planar float samples as WAV sample data: 16/24-bit PCM with TPDF
 * dither from a fixed seed (so a render is the same on every run and every
 * machine), or 32-bit IEEE float.
 *
 * TPDF dither (Vanderkooy & Lipshitz, "Dither in Digital Audio", JAES 1987):
 * the sum of two independent uniform values of ±0.5 LSB, i.e. a triangular
 * density over ±1 LSB, added before rounding.
 */

export type WavBits = 16 | 24 | '32f';

/** mulberry32: a small, fast 32-bit PRNG; deterministic in every JS engine. */
export class Mulberry32 {
  constructor(private state: number) {}
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

export const DITHER_SEED = 0x6d697864; // "mixd"

export function bytesPerSample(bits: WavBits | '64f'): number {
  return bits === 16 ? 2 : bits === 24 ? 3 : bits === '64f' ? 8 : 4;
}

/**
 * The 44-byte header of a canonical PCM (format 1) or float (format 3) WAV.
 * 64-bit float is for the preview's frozen stems, which hold the engine's
 * numbers exactly; renders are written at WavBits.
 */
export function wavHeader(sampleRate: number, channels: number, bits: WavBits | '64f', dataBytes: number): Uint8Array {
  const h = new Uint8Array(44);
  const v = new DataView(h.buffer);
  const bps = bytesPerSample(bits);
  const ascii = (at: number, s: string) => { for (let i = 0; i < 4; i++) h[at + i] = s.charCodeAt(i); };
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + dataBytes + (dataBytes & 1), true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, bits === '32f' || bits === '64f' ? 3 : 1, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * channels * bps, true);
  v.setUint16(32, channels * bps, true);
  v.setUint16(34, bps * 8, true);
  ascii(36, 'data');
  v.setUint32(40, dataBytes, true);
  return h;
}

/** Encodes blocks of planar samples, keeping the dither state between blocks. */
export class WavEncoder {
  private readonly rng = new Mulberry32(DITHER_SEED);
  /** Samples that clipped at full scale (PCM only), for a warning. */
  clipped = 0;

  constructor(readonly channels: number, readonly bits: WavBits) {}

  /** Interleaved little-endian bytes for `frames` frames; `out` must hold frames·channels·bytesPerSample. */
  encode(planar: readonly Float64Array[], frames: number, out: Uint8Array): number {
    const ch = this.channels;
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    let p = 0;
    if (this.bits === '32f') {
      for (let i = 0; i < frames; i++) for (let c = 0; c < ch; c++) { view.setFloat32(p, planar[c]![i]!, true); p += 4; }
      return p;
    }
    const scale = this.bits === 16 ? 32768 : 8388608;
    const max = scale - 1;
    const min = -scale;
    for (let i = 0; i < frames; i++) {
      for (let c = 0; c < ch; c++) {
        const d = this.rng.next() - this.rng.next();
        let q = Math.round(planar[c]![i]! * scale + d);
        if (q > max) { q = max; this.clipped++; } else if (q < min) { q = min; this.clipped++; }
        if (this.bits === 16) { view.setInt16(p, q, true); p += 2; }
        else { out[p] = q & 0xff; out[p + 1] = (q >> 8) & 0xff; out[p + 2] = (q >> 16) & 0xff; p += 3; }
      }
    }
    return p;
  }
}
