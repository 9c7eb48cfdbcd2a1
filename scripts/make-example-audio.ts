/**
 * Synthesises the audio of the example session examples/night-drive/ (124 bpm,
 * 4/4, 24 bars, A minor, slowing down over the last four bars as the
 * session's tempo map says): kick, bass, a stereo drum loop, a stereo pad, three
 * sung takes (a sawtooth through vowel formants) and a loud reference master. Everything comes from a fixed
 * seed, so every run writes the same files. The files are generated rather
 * than committed (they are about 70 MB); see .gitignore.
 *
 *   npm run example:audio [-- --force] [-- --out DIR]
 *
 * Existing files are kept unless --force is given. Each file is written to a
 * temporary name and renamed, so a file that exists is complete.
 *
 * The files use several sample formats on purpose, to exercise the WAV reader:
 * 48 kHz 24-bit PCM, one 16-bit file (bass), one 32-bit float file (pad) and
 * one take at 44.1 kHz (vox_2).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { check, TempoMap } from '../grammar/src/index.js';

// ---- the song -------------------------------------------------------------------------

const BEATS_PER_BAR = 4;
const BARS = 24;
/** The session's own tempo map (its tempo and the outro's ritardando), read from the mix file. */
const SESSION = readFileSync(fileURLToPath(new URL('../examples/night-drive/night-drive.mix', import.meta.url)), 'utf8');
const MAP = TempoMap.of(check(SESSION).model)!;
/** Seconds at `bar N beat B` (both 1-based; B may run past the bar, or fall between beats), as the language defines it. */
const at = (bar: number, beat = 1) => MAP.seconds(bar, beat);
/** Seconds of a beat of bar N (the outro's get longer). */
const beatOf = (bar: number) => MAP.barLength(bar) / BEATS_PER_BAR;
/** Seconds of a bar at the starting tempo (the pad's slow swell keeps it). */
const BAR = MAP.barLength(1);
const SONG_SECONDS = at(BARS + 1);

/** Sections, as the example's markers name them. */
const VERSE = 5;
const CHORUS = 13;
const OUTRO = 21;

type Chord = 'Am' | 'F' | 'C' | 'G' | 'Em';
function chordAt(bar: number): Chord {
  if (bar >= OUTRO) return (['Am', 'F', 'G', 'Am'] as const)[(bar - OUTRO) % 4]!;
  if (bar >= CHORUS) return (['F', 'G', 'Em', 'Am'] as const)[(bar - CHORUS) % 4]!;
  return (['Am', 'F', 'C', 'G'] as const)[(bar - 1) % 4]!;
}
/** MIDI notes: bass roots in octave 1, pad voicings around middle C. */
const BASS_ROOT: Record<Chord, number> = { Am: 33, F: 29, C: 36, G: 31, Em: 28 };
const PAD_VOICING: Record<Chord, number[]> = {
  Am: [57, 60, 64, 69],
  F: [53, 57, 60, 65],
  C: [55, 60, 64, 67],
  G: [55, 59, 62, 67],
  Em: [52, 55, 59, 64],
};

/** The bar before the chorus breaks: no kick or bass on its last two beats. */
const BREAK_BAR = CHORUS - 1;

const hz = (midi: number) => 440 * 2 ** ((midi - 69) / 12);

// ---- small DSP ------------------------------------------------------------------------

/** mulberry32: a tiny, fast PRNG; one stream per instrument so they do not disturb each other. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A biquad (RBJ Audio EQ Cookbook), direct form I. */
class Biquad {
  private x1 = 0;
  private x2 = 0;
  private y1 = 0;
  private y2 = 0;
  private constructor(
    private readonly b0: number,
    private readonly b1: number,
    private readonly b2: number,
    private readonly a1: number,
    private readonly a2: number,
  ) {}

  private static make(b0: number, b1: number, b2: number, a0: number, a1: number, a2: number): Biquad {
    return new Biquad(b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0);
  }
  static lowpass(sr: number, f: number, q: number): Biquad {
    const w = (2 * Math.PI * f) / sr, c = Math.cos(w), alpha = Math.sin(w) / (2 * q);
    return Biquad.make((1 - c) / 2, 1 - c, (1 - c) / 2, 1 + alpha, -2 * c, 1 - alpha);
  }
  static highpass(sr: number, f: number, q: number): Biquad {
    const w = (2 * Math.PI * f) / sr, c = Math.cos(w), alpha = Math.sin(w) / (2 * q);
    return Biquad.make((1 + c) / 2, -(1 + c), (1 + c) / 2, 1 + alpha, -2 * c, 1 - alpha);
  }
  /** Band pass with 0 dB gain at the centre. */
  static bandpass(sr: number, f: number, q: number): Biquad {
    const w = (2 * Math.PI * f) / sr, c = Math.cos(w), alpha = Math.sin(w) / (2 * q);
    return Biquad.make(alpha, 0, -alpha, 1 + alpha, -2 * c, 1 - alpha);
  }
  static peaking(sr: number, f: number, gainDb: number, q: number): Biquad {
    const A = 10 ** (gainDb / 40), w = (2 * Math.PI * f) / sr, c = Math.cos(w), alpha = Math.sin(w) / (2 * q);
    return Biquad.make(1 + alpha * A, -2 * c, 1 - alpha * A, 1 + alpha / A, -2 * c, 1 - alpha / A);
  }

  process(x: number): number {
    const y = this.b0 * x + this.b1 * this.x1 + this.b2 * this.x2 - this.a1 * this.y1 - this.a2 * this.y2;
    this.x2 = this.x1;
    this.x1 = x;
    this.y2 = this.y1;
    this.y1 = y;
    return y;
  }
  run(buf: Float32Array): Float32Array {
    for (let i = 0; i < buf.length; i++) buf[i] = this.process(buf[i]!);
    return buf;
  }
}

/** PolyBLEP correction for a band-limited sawtooth (phase and increment in cycles). */
function polyBlep(t: number, dt: number): number {
  if (t < dt) {
    t /= dt;
    return t + t - t * t - 1;
  }
  if (t > 1 - dt) {
    t = (t - 1) / dt;
    return t * t + t + t + 1;
  }
  return 0;
}
const saw = (phase: number, dt: number) => 2 * phase - 1 - polyBlep(phase, dt);

const frames = (sr: number, seconds: number) => Math.round(seconds * sr);
function peak(bufs: Float32Array[]): number {
  let p = 0;
  for (const b of bufs) {
    for (let i = 0; i < b.length; i++) {
      const a = Math.abs(b[i]!);
      if (a > p) p = a;
    }
  }
  return p;
}

/** Scales all channels together so the highest peak reads `dbfs`. */
function normalise(bufs: Float32Array[], dbfs: number): Float32Array[] {
  const p = peak(bufs);
  if (p > 0) {
    const g = 10 ** (dbfs / 20) / p;
    for (const b of bufs) for (let i = 0; i < b.length; i++) b[i]! *= g;
  }
  return bufs;
}

/** A short fade at the very end, so no file stops on a step. */
function fadeTail(bufs: Float32Array[], sr: number, seconds = 0.01): void {
  const n = Math.min(frames(sr, seconds), bufs[0]!.length);
  for (const b of bufs) for (let i = 0; i < n; i++) b[b.length - 1 - i]! *= i / n;
}

// ---- instruments ----------------------------------------------------------------------

/** Per-sample factor of an exponential decay with time constant `tau` seconds. */
const decay = (sr: number, tau: number) => Math.exp(-1 / (tau * sr));

/** An envelope: linear attack, then exponential decay (time constant `tau`). */
function envelope(sr: number, seconds: number, attack: number, tau: number): Float32Array {
  const env = new Float32Array(frames(sr, seconds));
  const a = frames(sr, attack);
  const d = decay(sr, tau);
  let e = 1;
  for (let i = 0; i < env.length; i++) {
    env[i] = (i < a ? i / a : 1) * e;
    e *= d;
  }
  return env;
}

/** Four on the floor, a sine with a falling pitch, a boxy 350 Hz ring, a click, and a little stage rumble. */
function kick(sr: number): Float32Array {
  const out = new Float32Array(frames(sr, SONG_SECONDS));
  const rand = rng(0x4b1c4);
  const dBody = decay(sr, 0.3);
  const dChirp = decay(sr, 0.028);
  const dBox = decay(sr, 0.045);
  const attack = frames(sr, 0.0015);
  const clickLen = frames(sr, 0.004);
  const k = (2 * Math.PI) / sr;
  // 350 Hz by rotation, one sin and cos for all hits.
  const boxCos = Math.cos(k * 350);
  const boxSin = Math.sin(k * 350);
  for (let bar = 1; bar <= BARS; bar++) {
    for (let beat = 1; beat <= BEATS_PER_BAR; beat++) {
      if (bar === BREAK_BAR && beat >= 3) continue;
      const start = frames(sr, at(bar, beat));
      const n = Math.min(out.length - start, frames(sr, 0.45));
      const vel = beat === 1 ? 1 : 0.93 + 0.04 * rand();
      let phase = 0;
      let eBody = 1;
      let eChirp = 1;
      let eBox = 0.22;
      let bs = 0;
      let bc = 1;
      let prevNoise = 0;
      for (let i = 0; i < n; i++) {
        phase += k * (47 + 115 * eChirp);
        eChirp *= dChirp;
        const body = Math.sin(phase) * eBody * (i < attack ? i / attack : 1);
        eBody *= dBody;
        const box = eBox * bs;
        eBox *= dBox;
        const ns = bs * boxCos + bc * boxSin;
        bc = bc * boxCos - bs * boxSin;
        bs = ns;
        let click = 0;
        if (i < clickLen) {
          const noise = rand() * 2 - 1;
          click = 0.35 * (noise - prevNoise) * (1 - i / clickLen);
          prevNoise = noise;
        }
        out[start + i]! += vel * (body + box + click);
      }
    }
  }
  const rumble = (2 * Math.PI * 17) / sr;
  for (let i = 0; i < out.length; i++) out[i]! += 0.012 * Math.sin(rumble * i);
  return out;
}

/**
 * Octave eighths on the chord root: a saw and a square through a plucked
 * low pass. The DI was wired backwards, so the file is polarity-inverted
 * (the example session flips it back with `polarity invert`).
 */
function bass(sr: number): Float32Array {
  const out = new Float32Array(frames(sr, SONG_SECONDS));
  const control = 32; // samples between filter updates
  const dCutoff = decay(sr / control, 0.07);
  for (let bar = 1; bar <= BARS; bar++) {
    const root = BASS_ROOT[chordAt(bar)];
    for (let k = 0; k < 8; k++) {
      if (bar === BREAK_BAR && k >= 4) continue;
      if (bar === BARS && k > 0) continue;
      const last = bar === BARS;
      const midi = root + (k % 2 === 1 ? 12 : 0);
      const start = frames(sr, at(bar, 1 + k / 2));
      const hold = frames(sr, last ? 2 * beatOf(bar) : 0.42 * beatOf(bar));
      const dRelease = decay(sr, (last ? 0.6 : 0.03) / 4);
      const attack = frames(sr, 0.003);
      const n = Math.min(out.length - start, hold + frames(sr, last ? 0.6 : 0.03));
      const dt = hz(midi) / sr;
      const vel = k % 2 === 0 ? 1 : 0.78;
      let phase = 0;
      let lp1 = 0;
      let lp2 = 0;
      let eCut = 1;
      let a = 0;
      let rel = 1;
      for (let i = 0; i < n; i++) {
        if (i % control === 0) {
          a = 1 - Math.exp((-2 * Math.PI * (220 + 1900 * eCut)) / sr);
          eCut *= dCutoff;
        }
        const s1 = saw(phase, dt);
        const osc = 1.1 * s1 - 0.4 * saw(phase < 0.5 ? phase + 0.5 : phase - 0.5, dt);
        phase += dt;
        if (phase >= 1) phase -= 1;
        lp1 += a * (osc - lp1);
        lp2 += a * (lp1 - lp2);
        if (i >= hold) rel *= dRelease;
        out[start + i]! += vel * (i < attack ? i / attack : 1) * rel * lp2;
      }
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = -out[i]!;
  return out;
}

/** Hats on the off-beats (a little left), an open hat (a little right), a clap on 2 and 4 from the verse on. */
function drumLoop(sr: number): [Float32Array, Float32Array] {
  const len = frames(sr, SONG_SECONDS);
  const L = new Float32Array(len);
  const R = new Float32Array(len);
  const randL = rng(0xd2a11);
  const randR = rng(0xd2a12);
  const randV = rng(0xd2a13);
  const noiseL = new Float32Array(frames(sr, 0.5));
  const noiseR = new Float32Array(noiseL.length);

  /** Filtered noise, decorrelated left and right, shaped by `env`. */
  const hit = (time: number, env: Float32Array, vel: number, gl: number, gr: number, filters: () => Biquad[]) => {
    const start = frames(sr, time);
    const n = Math.min(len - start, env.length);
    for (let i = 0; i < n; i++) {
      noiseL[i] = randL() * 2 - 1;
      noiseR[i] = randR() * 2 - 1;
    }
    const l = noiseL.subarray(0, n);
    const r = noiseR.subarray(0, n);
    for (const f of filters()) f.run(l);
    for (const f of filters()) f.run(r);
    for (let i = 0; i < n; i++) {
      L[start + i]! += gl * vel * env[i]! * l[i]!;
      R[start + i]! += gr * vel * env[i]! * r[i]!;
    }
  };
  const hatFilters = () => [Biquad.highpass(sr, 7000, 0.7), Biquad.peaking(sr, 10000, 4, 1)];
  const clapFilters = () => [Biquad.bandpass(sr, 1150, 1.1)];
  const closedHat = envelope(sr, 0.12, 0.0005, 0.03);
  const ghostHat = envelope(sr, 0.08, 0.0005, 0.02);
  const openHat = envelope(sr, 0.4, 0.001, 0.16);
  // Three quick bursts then a tail, like hands that do not quite meet at once.
  const clap = new Float32Array(frames(sr, 0.45));
  for (const [t0, gain, tau] of [[0, 2.2, 0.004], [0.009, 2.2, 0.004], [0.018, 2.2, 0.004], [0.021, 1.6, 0.09]] as const) {
    const burst = envelope(sr, 0.45 - t0, 0, tau);
    const s0 = frames(sr, t0);
    for (let i = 0; i < burst.length && s0 + i < clap.length; i++) clap[s0 + i]! += gain * burst[i]!;
  }
  const snare = envelope(sr, 0.2, 0, 0.05);
  const snareW = (2 * Math.PI * 185) / sr;

  for (let bar = 1; bar <= BARS; bar++) {
    for (let k = 0; k < 8; k++) {
      const time = at(bar, 1 + k / 2);
      if (k % 2 === 1) hit(time, closedHat, 0.55 + 0.15 * randV(), 1, 0.72, hatFilters);
      // Quiet sixteenths in the chorus.
      if (bar >= CHORUS && bar < OUTRO) hit(at(bar, 1.25 + k / 2), ghostHat, 0.18 + 0.06 * randV(), 0.8, 0.8, hatFilters);
    }
    if (bar % 2 === 0) hit(at(bar, 4.5), openHat, 0.5, 0.72, 1, hatFilters);
    if (bar >= VERSE) {
      for (const beat of [2, 4]) {
        if (bar === BREAK_BAR && beat === 4) continue;
        hit(at(bar, beat), clap, 0.9, 1, 1, clapFilters);
        // A snare body under the clap, in the middle.
        const start = frames(sr, at(bar, beat));
        const n = Math.min(len - start, snare.length);
        for (let i = 0; i < n; i++) {
          const body = 0.35 * Math.sin(snareW * i) * snare[i]!;
          L[start + i]! += body;
          R[start + i]! += body;
        }
      }
    }
    if (bar === BREAK_BAR) {
      // A clap roll into the chorus.
      for (let s = 0; s < 8; s++) hit(at(bar, 3 + s / 4), clap.subarray(0, frames(sr, 0.2)), 0.35 + 0.08 * s, 1, 1, clapFilters);
    }
  }
  return [L, R];
}

/**
 * Chords on detuned saws, slow attack, a little brittle around 2.5 kHz.
 * The file starts at `fromBar`.
 */
function pad(sr: number, fromBar: number): [Float32Array, Float32Array] {
  const offset = at(fromBar);
  const len = frames(sr, SONG_SECONDS - offset);
  const L = new Float32Array(len);
  const R = new Float32Array(len);
  const rand = rng(0x9ad);
  const detune = [[-9, 4], [9, -4]] as const; // cents per channel, two voices each
  for (let bar = fromBar; bar <= BARS; bar++) {
    const last = bar === BARS;
    const hold = frames(sr, last ? 2 * beatOf(bar) : MAP.barLength(bar));
    const release = last ? 1.4 : 0.35;
    const start = frames(sr, at(bar) - offset);
    const n = Math.min(len - start, hold + frames(sr, release));
    const env = new Float32Array(n);
    const attack = frames(sr, 0.28);
    const dRelease = decay(sr, release / 4);
    for (let i = 0, e = 1; i < n; i++) {
      if (i >= hold) e *= dRelease;
      env[i] = (i < attack ? i / attack : 1) * e;
    }
    for (const note of PAD_VOICING[chordAt(bar)]) {
      const f = hz(note);
      const amp = note >= 64 ? 0.7 : 1;
      for (let ch = 0; ch < 2; ch++) {
        const out = ch === 0 ? L : R;
        for (const cents of detune[ch]!) {
          const dt = (f * 2 ** (cents / 1200)) / sr;
          let phase = rand();
          for (let i = 0; i < n; i++) {
            out[start + i]! += amp * env[i]! * saw(phase, dt);
            phase += dt;
            if (phase >= 1) phase -= 1;
          }
        }
      }
    }
  }
  for (const b of [L, R]) {
    Biquad.lowpass(sr, 2600, 0.6).run(b);
    Biquad.peaking(sr, 2500, 5, 1.2).run(b);
    Biquad.highpass(sr, 90, 0.7).run(b);
  }
  // A slow swell, opposite in the two channels, for movement.
  const w = (2 * Math.PI) / sr / (2 * BAR);
  for (let i = 0; i < len; i++) {
    const lfo = 0.12 * Math.sin(w * i);
    L[i]! *= 1 + lfo;
    R[i]! *= 1 - lfo;
  }
  return [L, R];
}

// ---- voice ---------------------------------------------------------------------------

/** A note of a phrase: start beat from the phrase's first bar, length in beats, MIDI note. */
type PhraseNote = readonly [beat: number, beats: number, midi: number];
interface Phrase {
  readonly bar: number;
  readonly notes: readonly PhraseNote[];
}

const VERSE_A: PhraseNote[] = [[0, 1, 64], [1, 0.5, 67], [1.5, 1.5, 69], [3, 1, 67], [4, 1, 64], [5, 2.5, 60]];
const VERSE_B: PhraseNote[] = [[0, 1, 64], [1, 0.5, 67], [1.5, 1.5, 72], [3, 1, 71], [4, 0.5, 69], [4.5, 0.5, 67], [5, 2.5, 67]];
const VERSE_C: PhraseNote[] = [[0, 1, 64], [1, 0.5, 67], [1.5, 1.5, 69], [3, 1, 67], [4, 1, 64], [5, 1.5, 69]];
const VERSE_D: PhraseNote[] = [[0, 1, 64], [1, 1, 67], [2, 1, 69], [3, 1, 72], [4, 2.5, 71]];
const CHORUS_A: PhraseNote[] = [[0, 1, 72], [1, 0.5, 72], [1.5, 1, 74], [2.5, 0.5, 72], [3, 1, 69], [4, 1, 71], [5, 2, 74]];
const CHORUS_B: PhraseNote[] = [[0, 1.5, 76], [1.5, 0.5, 74], [2, 1, 72], [3, 1, 71], [4, 3, 69]];
/** The second take sings the last line of the chorus up. */
const CHORUS_B_UP: PhraseNote[] = [[0, 1.5, 76], [1.5, 0.5, 74], [2, 1, 72], [3, 1, 71], [4, 1, 69], [5, 0.5, 72], [5.5, 1.5, 76]];
const OUTRO_A: PhraseNote[] = [[0, 2, 76], [2, 1, 74], [3, 1, 72], [4, 4, 69]];

function leadPhrases(take: 1 | 3): Phrase[] {
  return [
    { bar: VERSE, notes: VERSE_A },
    { bar: VERSE + 2, notes: VERSE_B },
    { bar: VERSE + 4, notes: VERSE_C },
    { bar: VERSE + 6, notes: VERSE_D },
    { bar: CHORUS, notes: CHORUS_A },
    { bar: CHORUS + 2, notes: CHORUS_B },
    { bar: CHORUS + 4, notes: CHORUS_A },
    { bar: CHORUS + 6, notes: take === 3 ? CHORUS_B_UP : CHORUS_B },
    { bar: OUTRO, notes: OUTRO_A },
  ];
}

/** A diatonic step in A natural minor (steps may be negative). */
function diatonic(midi: number, steps: number): number {
  const scale = [0, 2, 3, 5, 7, 8, 10]; // from A
  const rel = midi - 57;
  const octave = Math.floor(rel / 12);
  const degree = scale.indexOf(((rel % 12) + 12) % 12);
  if (degree < 0) return midi + (steps < 0 ? -3 : 3);
  const d = degree + steps;
  const o = octave + Math.floor(d / 7);
  return 57 + o * 12 + scale[((d % 7) + 7) % 7]!;
}

/** A harmony a third below the lead, in the chorus only. */
function harmonyPhrases(): Phrase[] {
  return leadPhrases(1)
    .filter((p) => p.bar >= CHORUS && p.bar < OUTRO)
    .map((p) => ({ bar: p.bar, notes: p.notes.map(([b, l, m]) => [b, l, diatonic(m, -2)] as const) }));
}

/** Formant frequencies (Hz), bandwidths (Hz) and gains of a vowel. */
interface Vowel {
  readonly f: readonly [number, number, number];
  readonly bw: readonly [number, number, number];
  readonly g: readonly [number, number, number];
}
const AAH: Vowel = { f: [800, 1150, 2900], bw: [80, 90, 120], g: [1, 0.5, 0.22] };
const AEH: Vowel = { f: [760, 1420, 2750], bw: [90, 100, 130], g: [1, 0.55, 0.28] };
const OOH: Vowel = { f: [450, 800, 2830], bw: [70, 80, 100], g: [1, 0.35, 0.1] };

interface TakeOptions {
  readonly seed: number;
  readonly phrases: Phrase[];
  readonly vowel: Vowel;
  /** Hz and depth in cents. */
  readonly vibrato: readonly [number, number];
  /** How late or early notes land, at most, in seconds. */
  readonly timing: number;
  /** How far a note's pitch may be off, at most, in cents. */
  readonly pitch: number;
  /** Peak level of the voice in dBFS. */
  readonly level: number;
  /** A cough between two phrases, at this time in seconds. */
  readonly cough?: number;
}

/**
 * A sung take: a band-limited sawtooth (the glottal source) with scoops,
 * glides and vibrato, through three formant resonators; breaths before
 * phrases and a faint room noise under everything.
 */
function take(sr: number, o: TakeOptions): Float32Array {
  const len = frames(sr, SONG_SECONDS);
  const rand = rng(o.seed);
  const target = new Float32Array(len); // Hz, 0 = rest
  const gate = new Float32Array(len); // note velocity, 0 = rest
  const breaths: number[] = [];
  let prevEnd = -Infinity;
  for (const phrase of o.phrases) {
    for (const [beat, beats, midi] of phrase.notes) {
      const t0 = at(phrase.bar, 1 + beat) + (rand() * 2 - 1) * o.timing;
      const t1 = t0 + (at(phrase.bar, 1 + beat + beats) - at(phrase.bar, 1 + beat)) - 0.04 - rand() * 0.03;
      if (t0 - prevEnd > 0.5) breaths.push(t0 - 0.3);
      prevEnd = t1;
      const f = hz(midi) * 2 ** (((rand() * 2 - 1) * o.pitch) / 1200);
      const vel = 10 ** ((-4 * rand()) / 20) * (beats >= 2 ? 1 : 0.9);
      for (let i = Math.max(0, frames(sr, t0)); i < Math.min(len, frames(sr, t1)); i++) {
        target[i] = f;
        gate[i] = vel;
      }
    }
  }

  const out = new Float32Array(len);
  const formants = o.vowel.f.map((f, k) => Biquad.bandpass(sr, f, f / o.vowel.bw[k]!));
  const [g1, g2, g3] = o.vowel.g;
  const [b1, b2, b3] = formants as [Biquad, Biquad, Biquad];
  // Pitch moves slowly: glide, vibrato and drift are computed every `control` samples.
  const control = 16;
  const controlRate = sr / control;
  const kGlide = 1 - decay(controlRate, 0.025);
  const kDrift = 1 - decay(controlRate, 0.2);
  const kAttack = 1 - decay(sr, 0.03);
  const kRelease = 1 - decay(sr, 0.06);
  const [vibratoHz, vibratoCents] = o.vibrato;
  let f = 220;
  let dt = f / sr;
  let env = 0;
  let phase = 0;
  let noteTime = 0;
  let drift = 0;
  let driftTarget = 0;
  let wasSounding = false;
  for (let i = 0; i < len; i++) {
    const g = gate[i]!;
    const sounding = g > 0;
    if (sounding && !wasSounding) {
      f = target[i]! * 2 ** (-70 / 1200); // scoop up into a phrase
      noteTime = 0;
    } else if (sounding && target[i - 1] !== target[i]) noteTime = 0;
    wasSounding = sounding;
    if (i % control === 0) {
      if (sounding) f += (target[i]! - f) * kGlide;
      if (i % (control * 32) === 0) driftTarget = (rand() * 2 - 1) * 6;
      drift += (driftTarget - drift) * kDrift;
      const depth = vibratoCents * Math.min(1, Math.max(0, (noteTime - 0.22) / 0.3));
      dt = (f * 2 ** ((depth * Math.sin(2 * Math.PI * vibratoHz * noteTime) + drift) / 1200)) / sr;
    }
    if (sounding) noteTime += 1 / sr;
    env += (g - env) * (g > env ? kAttack : kRelease);
    phase += dt;
    if (phase >= 1) phase -= 1;
    if (env < 1e-5) continue;
    const source = saw(phase, dt) + 0.08 * (rand() * 2 - 1);
    out[i] = env * (g1 * b1.process(source) + g2 * b2.process(source) + g3 * b3.process(source));
  }
  normalise([out], o.level);

  // Breaths and room noise, relative to the normalised voice.
  const breathFilter = Biquad.bandpass(sr, 1600, 0.8);
  for (const tb of breaths) {
    const start = frames(sr, tb);
    const n = frames(sr, 0.25);
    for (let i = 0; i < n && start + i < len; i++) {
      if (start + i < 0) continue;
      out[start + i]! += 0.02 * Math.sin((Math.PI * i) / n) * breathFilter.process(rand() * 2 - 1);
    }
  }
  if (o.cough !== undefined) {
    const cough = Biquad.bandpass(sr, 700, 1.5);
    const start = frames(sr, o.cough);
    const n = frames(sr, 0.16);
    for (let i = 0; i < n; i++) {
      const t = i / sr;
      const e = Math.min(1, t / 0.004) * Math.exp(-t / 0.04) + 0.6 * (t > 0.07 ? Math.exp(-(t - 0.07) / 0.03) : 0);
      out[start + i]! += 3.2 * e * cough.process(rand() * 2 - 1);
    }
  }
  const room = Biquad.lowpass(sr, 3000, 0.7);
  for (let i = 0; i < len; i++) out[i]! += 0.0006 * room.process(rand() * 2 - 1);
  return out;
}

// ---- the files ------------------------------------------------------------------------

type SampleFormat = 'pcm16' | 'pcm24' | 'float32';

interface AudioFile {
  /** Relative to examples/night-drive/. */
  readonly path: string;
  readonly sampleRate: number;
  readonly format: SampleFormat;
  readonly render: () => Float32Array[];
}

/** The lead's cough in take 1: between the third and fourth verse lines (bar 10 beat 4), cut in the session. */
const COUGH_SECONDS = 18.95;

function lead(sr: number, n: 1 | 3): Float32Array {
  return n === 1
    ? take(sr, { seed: 0x701, phrases: leadPhrases(1), vowel: AAH, vibrato: [5.4, 28], timing: 0.012, pitch: 12, level: -6, cough: COUGH_SECONDS })
    : take(sr, { seed: 0x703, phrases: leadPhrases(3), vowel: AEH, vibrato: [5.9, 22], timing: 0.02, pitch: 8, level: -11 });
}

/** Each part is synthesised once per run, for its own file and for the reference. */
const parts = new Map<string, Float32Array[]>();
function part(name: string, make: () => Float32Array[]): Float32Array[] {
  let p = parts.get(name);
  if (!p) parts.set(name, (p = make()));
  return p.map((b) => b.slice());
}
const kickPart = () => part('kick', () => [kick(48000)]);
const bassPart = () => part('bass', () => [bass(48000)]);
const drumsPart = () => part('drums', () => drumLoop(48000));
const padPart = () => part('pad', () => pad(48000, VERSE));
const vox1Part = () => part('vox_1', () => [lead(48000, 1)]);
const vox3Part = () => part('vox_3', () => [lead(48000, 3)]);

/**
 * The "pro master" the session is compared with: the same song mixed
 * elsewhere, louder and a little brighter, with the lead comped from take 1
 * (verse) and take 3 (from the chorus on), and no cough.
 */
function referenceMaster(sr: number): Float32Array[] {
  const [k] = kickPart() as [Float32Array];
  const [b] = bassPart() as [Float32Array];
  const [dl, dr] = drumsPart() as [Float32Array, Float32Array];
  const [pl, pr] = padPart() as [Float32Array, Float32Array];
  const [v1] = vox1Part() as [Float32Array];
  const [v3] = vox3Part() as [Float32Array];
  const cs = frames(sr, COUGH_SECONDS - 0.02);
  v1.fill(0, cs, cs + frames(sr, 0.25));
  for (const s of [[k], [b], [dl, dr], [pl, pr], [v1], [v3]]) normalise(s, 0);
  const len = k.length;
  const L = new Float32Array(len);
  const R = new Float32Array(len);
  const padStart = len - pl.length;
  const chorus = frames(sr, at(CHORUS));
  const xfade = frames(sr, 0.02);
  const c = Math.SQRT1_2; // a mono source in the middle
  for (let i = 0; i < len; i++) {
    const x = Math.min(1, Math.max(0, (i - chorus + xfade / 2) / xfade));
    const vox = Math.cos((x * Math.PI) / 2) * v1[i]! + Math.sin((x * Math.PI) / 2) * v3[i]!;
    const mid = c * (0.55 * k[i]! - 0.4 * b[i]! + 0.36 * vox); // the bass's polarity put right
    const j = i - padStart;
    L[i] = mid + 0.3 * dl[i]! + (j >= 0 ? 0.2 * pl[j]! : 0);
    R[i] = mid + 0.3 * dr[i]! + (j >= 0 ? 0.2 * pr[j]! : 0);
  }
  for (const ch of [L, R]) {
    Biquad.highpass(sr, 25, 0.7).run(ch);
    Biquad.peaking(sr, 9000, 2.5, 0.7).run(ch);
  }
  normalise([L, R], 0);
  // Drive into a soft clipper: loud, as commercial masters are.
  const drive = 2;
  const norm = Math.tanh(drive);
  for (const ch of [L, R]) for (let i = 0; i < len; i++) ch[i] = Math.tanh(drive * ch[i]!) / norm;
  return normalise([L, R], -1);
}

const FILES: AudioFile[] = [
  { path: 'stems/kick.wav', sampleRate: 48000, format: 'pcm24', render: () => normalise(kickPart(), -3) },
  { path: 'stems/bass.wav', sampleRate: 48000, format: 'pcm16', render: () => normalise(bassPart(), -6) },
  { path: 'stems/drums_loop.wav', sampleRate: 48000, format: 'pcm24', render: () => normalise(drumsPart(), -6) },
  { path: 'stems/pad.wav', sampleRate: 48000, format: 'float32', render: () => normalise(padPart(), -9) },
  { path: 'takes/vox_1.wav', sampleRate: 48000, format: 'pcm24', render: vox1Part },
  {
    path: 'takes/vox_2.wav',
    sampleRate: 44100,
    format: 'pcm24',
    render: () => [take(44100, { seed: 0x702, phrases: harmonyPhrases(), vowel: OOH, vibrato: [5.2, 18], timing: 0.015, pitch: 10, level: -9 })],
  },
  { path: 'takes/vox_3.wav', sampleRate: 48000, format: 'pcm24', render: vox3Part },
  { path: 'refs/pro_master.wav', sampleRate: 48000, format: 'pcm24', render: () => referenceMaster(48000) },
];

// ---- WAV ------------------------------------------------------------------------------

/**
 * A canonical RIFF/WAVE file: `fmt ` (PCM, or IEEE float followed by a
 * `fact` chunk), then `data` with a pad byte if its size is odd. PCM 16-bit gets TPDF
 * dither from a fixed seed.
 */
export function encodeWav(channels: readonly Float32Array[], sampleRate: number, format: SampleFormat): Buffer {
  const nch = channels.length;
  const n = channels[0]!.length;
  const bits = format === 'pcm16' ? 16 : format === 'pcm24' ? 24 : 32;
  const bytes = bits / 8;
  const dataSize = n * nch * bytes;
  const pad = dataSize % 2;
  const isFloat = format === 'float32';
  // A 16-byte `fmt ` for float too (as many writers do), so the samples start
  // at byte 56, a multiple of 4, for readers that map them as a Float32Array.
  const fmtSize = 16;
  const factSize = isFloat ? 12 : 0;
  const total = 12 + 8 + fmtSize + factSize + 8 + dataSize + pad;
  const buf = Buffer.alloc(total);
  let o = 0;
  o += buf.write('RIFF', o, 'ascii');
  o = buf.writeUInt32LE(total - 8, o);
  o += buf.write('WAVE', o, 'ascii');
  o += buf.write('fmt ', o, 'ascii');
  o = buf.writeUInt32LE(fmtSize, o);
  o = buf.writeUInt16LE(isFloat ? 3 : 1, o);
  o = buf.writeUInt16LE(nch, o);
  o = buf.writeUInt32LE(sampleRate, o);
  o = buf.writeUInt32LE(sampleRate * nch * bytes, o);
  o = buf.writeUInt16LE(nch * bytes, o);
  o = buf.writeUInt16LE(bits, o);
  if (isFloat) {
    o += buf.write('fact', o, 'ascii');
    o = buf.writeUInt32LE(4, o);
    o = buf.writeUInt32LE(n, o);
  }
  o += buf.write('data', o, 'ascii');
  o = buf.writeUInt32LE(dataSize, o);
  const full = 2 ** (bits - 1);
  const data = new Uint8Array(buf.buffer, buf.byteOffset + o, dataSize);
  if (isFloat) {
    const f = new Float32Array(n * nch);
    for (let c = 0; c < nch; c++) {
      const x = channels[c]!;
      for (let i = 0; i < n; i++) f[i * nch + c] = x[i]!;
    }
    data.set(new Uint8Array(f.buffer)); // Float32Array is little-endian on every host Node runs on
    return buf;
  }
  for (let c = 0; c < nch; c++) {
    const x = channels[c]!;
    const dither = rng(0xd1 + c);
    for (let i = 0; i < n; i++) {
      const r = Math.round(x[i]! * full + (bits === 16 ? dither() - dither() : 0));
      const v = r < -full ? -full : r > full - 1 ? full - 1 : r;
      const k = (i * nch + c) * bytes;
      data[k] = v & 0xff;
      data[k + 1] = (v >> 8) & 0xff;
      if (bits === 24) data[k + 2] = (v >> 16) & 0xff;
    }
  }
  return buf;
}

function describe(f: AudioFile, nch: number, n: number): string {
  const fmt = f.format === 'float32' ? '32-bit float' : f.format === 'pcm16' ? '16-bit PCM' : '24-bit PCM';
  return `${f.path}  ${fmt}, ${f.sampleRate} Hz, ${nch === 1 ? 'mono' : 'stereo'}, ${(n / f.sampleRate).toFixed(3)} s`;
}

function main(argv: string[]): void {
  const force = argv.includes('--force');
  const outIndex = argv.indexOf('--out');
  const here = dirname(fileURLToPath(import.meta.url));
  const root = outIndex >= 0 && argv[outIndex + 1] ? resolve(argv[outIndex + 1]!) : resolve(here, '../examples/night-drive');
  const t0 = performance.now();
  for (const f of FILES) {
    const path = join(root, ...f.path.split('/'));
    if (existsSync(path) && !force) {
      console.log(`kept     ${relative(process.cwd(), path)} (use --force to write it again)`);
      continue;
    }
    const started = performance.now();
    const channels = f.render();
    fadeTail(channels, f.sampleRate);
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, encodeWav(channels, f.sampleRate, f.format));
    renameSync(tmp, path);
    console.log(`written  ${describe({ ...f, path: relative(process.cwd(), path) }, channels.length, channels[0]!.length)}  (${Math.round(performance.now() - started)} ms)`);
  }
  console.log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main(process.argv.slice(2));
