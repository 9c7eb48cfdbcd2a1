/** The loudness of a WAV file on disk, per ITU-R BS.1770-4 / EBU R128, read in blocks. */
import { LoudnessMeter, type LoudnessReport, SourceError } from '../../engine/src/index.js';
import { WavFileReader } from './audio/wav-source.js';
import { SessionError } from './errors.js';

/** The loudness of a WAV file; a SessionError naming it when it cannot be read. */
export function meterWav(file: string): LoudnessReport {
  let reader: WavFileReader;
  try {
    reader = new WavFileReader(file, file);
  } catch (err) {
    if (err instanceof SourceError) throw new SessionError('io', `cannot meter ${file}: ${err.reason}`);
    throw err;
  }
  try {
    const f = reader.format;
    const meter = new LoudnessMeter(f.sampleRate, f.channels);
    const block = 8192;
    const buf = Array.from({ length: f.channels }, () => new Float64Array(block));
    for (let p = 0; p < f.frames; p += block) {
      const n = Math.min(block, f.frames - p);
      reader.read(p, n, buf, 0);
      meter.process(buf, n);
    }
    return meter.report();
  } catch (err) {
    if (err instanceof SourceError) throw new SessionError('io', `cannot meter ${file}: ${err.reason}`);
    throw err;
  } finally {
    reader.close();
  }
}
