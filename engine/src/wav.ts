/**
 * WAV (RIFF/WAVE) header parsing and sample decoding, from bytes.
 *
 * Reads PCM 16/24/32-bit and IEEE float 32/64-bit, mono or stereo, plain or
 * WAVE_FORMAT_EXTENSIBLE (Microsoft, "Multiple Channel Audio Data and WAVE
 * Files", 2001). Pure: the host supplies the bytes, so the same code runs in
 * the CLI, the language server and the webview.
 */

export type WavEncoding = 'pcm' | 'float';

export interface WavFormat {
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitsPerSample: number;
  readonly encoding: WavEncoding;
  /** Byte offset of the first sample in the file. */
  readonly dataOffset: number;
  /** Bytes of sample data the header announces. */
  readonly dataBytes: number;
  readonly frames: number;
  readonly blockAlign: number;
}

export type WavHeader =
  | { readonly ok: true; readonly format: WavFormat }
  /**
   * `need-more`: the header continues past the bytes given (read more and try
   * again); `unsupported`: a valid file of a kind we do not play; `unreadable`:
   * not a WAV file, or a damaged one.
   */
  | { readonly ok: false; readonly problem: 'need-more' | 'unsupported' | 'unreadable'; readonly reason: string };

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
}

/**
 * Parses the header from the first bytes of a file. `fileSize` is the whole
 * file's size, used to tell a truncated file from a complete one.
 */
export function parseWavHeader(bytes: Uint8Array, fileSize: number): WavHeader {
  const fail = (problem: 'need-more' | 'unsupported' | 'unreadable', reason: string): WavHeader => ({ ok: false, problem, reason });
  if (fileSize < 12) return fail('unreadable', `only ${fileSize} bytes long: not a WAV file`);
  if (bytes.length < 12) return fail('need-more', 'header incomplete');
  const riff = fourcc(bytes, 0);
  if (riff === 'RIFX' || riff === 'RF64') return fail('unsupported', `${riff} files are not supported; save as a plain RIFF WAV`);
  if (riff !== 'RIFF' || fourcc(bytes, 8) !== 'WAVE') return fail('unreadable', 'not a WAV file (no RIFF/WAVE header)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  let fmt: Omit<WavFormat, 'dataOffset' | 'dataBytes' | 'frames'> | null = null;
  let at = 12;
  while (at + 8 <= fileSize) {
    if (at + 8 > bytes.length) return fail('need-more', 'header continues');
    const id = fourcc(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16) return fail('unreadable', 'the fmt chunk is too short');
      if (body + size > bytes.length) return fail('need-more', 'fmt chunk continues');
      let tag = view.getUint16(body, true);
      const channels = view.getUint16(body + 2, true);
      const sampleRate = view.getUint32(body + 4, true);
      const blockAlign = view.getUint16(body + 12, true);
      const bitsPerSample = view.getUint16(body + 14, true);
      if (tag === WAVE_FORMAT_EXTENSIBLE) {
        if (size < 40) return fail('unreadable', 'the extensible fmt chunk is too short');
        tag = view.getUint16(body + 24, true); // first two bytes of the sub-format GUID
      }
      let encoding: WavEncoding;
      if (tag === WAVE_FORMAT_PCM) encoding = 'pcm';
      else if (tag === WAVE_FORMAT_IEEE_FLOAT) encoding = 'float';
      else return fail('unsupported', `compressed WAV (format tag ${tag}); only PCM and float are supported`);
      if (encoding === 'pcm' && ![16, 24, 32].includes(bitsPerSample)) return fail('unsupported', `${bitsPerSample}-bit PCM; supported: 16, 24, 32-bit PCM and 32, 64-bit float`);
      if (encoding === 'float' && ![32, 64].includes(bitsPerSample)) return fail('unsupported', `${bitsPerSample}-bit float; supported: 32 and 64-bit float`);
      if (channels !== 1 && channels !== 2) return fail('unsupported', `${channels} channels; only mono and stereo files are supported`);
      if (sampleRate < 1000 || sampleRate > 768000) return fail('unreadable', `implausible sample rate ${sampleRate} Hz`);
      if (blockAlign !== channels * (bitsPerSample / 8)) return fail('unreadable', `inconsistent header (block align ${blockAlign})`);
      fmt = { sampleRate, channels, bitsPerSample, encoding, blockAlign };
    } else if (id === 'data') {
      if (!fmt) return fail('unreadable', 'the data chunk comes before the fmt chunk');
      const available = fileSize - body;
      // 0xFFFFFFFF is written by some recorders that were stopped before finishing the header.
      const dataBytes = size === 0xffffffff ? available - (available % fmt.blockAlign) : size;
      if (dataBytes > available) {
        return fail('unreadable', `truncated: the header announces ${dataBytes} bytes of audio but only ${available} are there`);
      }
      return { ok: true, format: { ...fmt, dataOffset: body, dataBytes, frames: Math.floor(dataBytes / fmt.blockAlign) } };
    }
    at = body + size + (size & 1); // chunks are padded to even sizes
  }
  return fail('unreadable', fmt ? 'no audio data (no data chunk)' : 'no fmt chunk');
}

/** 2^-23: multiplying by it is exactly dividing by 8388608 (a power of two), and cheaper. */
const INV_2_23 = 1 / 8388608;

/**
 * Decodes interleaved frames `[frameStart, frameStart + frameCount)` from
 * `bytes` (which start at file offset `bytesOffset`) into one array per
 * channel, scaled to -1..1. This is on the render's hot path: one loop per
 * encoding, typed-array views instead of DataView where the bytes are aligned
 * (WAV is little-endian, as is every platform JavaScript runs on here).
 */
export function decodeFrames(
  bytes: Uint8Array,
  bytesOffset: number,
  format: WavFormat,
  frameStart: number,
  frameCount: number,
  out: readonly (Float32Array | Float64Array)[],
  outOffset = 0,
): void {
  const { channels, bitsPerSample, encoding, blockAlign } = format;
  const start = bytes.byteOffset + format.dataOffset + frameStart * blockAlign - bytesOffset;
  const samples = frameCount * channels;
  const o0 = out[0]!;
  const o1 = channels === 2 ? out[1]! : o0;
  const bytesPer = bitsPerSample / 8;
  const aligned = start % bytesPer === 0;
  if (bitsPerSample === 24) {
    const b = bytes;
    let p = start - bytes.byteOffset;
    if (channels === 1) {
      for (let i = 0; i < frameCount; i++, p += 3) o0[outOffset + i] = (((b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) << 8) >> 8) * INV_2_23;
    } else {
      for (let i = 0; i < frameCount; i++, p += 6) {
        o0[outOffset + i] = (((b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) << 8) >> 8) * INV_2_23;
        o1[outOffset + i] = (((b[p + 3]! | (b[p + 4]! << 8) | (b[p + 5]! << 16)) << 8) >> 8) * INV_2_23;
      }
    }
    return;
  }
  let view: Int16Array | Int32Array | Float32Array | Float64Array;
  if (aligned) {
    view =
      encoding === 'float'
        ? bitsPerSample === 32 ? new Float32Array(bytes.buffer, start, samples) : new Float64Array(bytes.buffer, start, samples)
        : bitsPerSample === 16 ? new Int16Array(bytes.buffer, start, samples) : new Int32Array(bytes.buffer, start, samples);
  } else {
    // Unaligned (an odd-sized chunk before the data): copy once to align.
    const copy = bytes.slice(start - bytes.byteOffset, start - bytes.byteOffset + samples * bytesPer);
    view =
      encoding === 'float'
        ? bitsPerSample === 32 ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer)
        : bitsPerSample === 16 ? new Int16Array(copy.buffer) : new Int32Array(copy.buffer);
  }
  const scale = encoding === 'float' ? 1 : bitsPerSample === 16 ? 1 / 32768 : 1 / 2147483648;
  if (channels === 1) {
    for (let i = 0; i < frameCount; i++) o0[outOffset + i] = view[i]! * scale;
  } else {
    for (let i = 0, k = 0; i < frameCount; i++, k += 2) {
      o0[outOffset + i] = view[k]! * scale;
      o1[outOffset + i] = view[k + 1]! * scale;
    }
  }
}

/** Sample peak of a block of interleaved sample bytes, as a linear value. */
export function peakOfData(bytes: Uint8Array, bytesOffset: number, format: WavFormat, frameStart: number, frameCount: number): number {
  const scratch = [new Float32Array(frameCount), new Float32Array(frameCount)];
  decodeFrames(bytes, bytesOffset, format, frameStart, frameCount, scratch);
  let peak = 0;
  for (let c = 0; c < format.channels; c++) {
    const ch = scratch[c]!;
    for (let i = 0; i < frameCount; i++) {
      const a = Math.abs(ch[i]!);
      if (a > peak) peak = a;
    }
  }
  return peak;
}

export function describeEncoding(f: Pick<WavFormat, 'encoding' | 'bitsPerSample'>): string {
  return `${f.encoding === 'pcm' ? 'PCM' : 'float'} ${f.bitsPerSample}-bit`;
}
