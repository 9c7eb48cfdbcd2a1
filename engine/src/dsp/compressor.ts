/**
 * Feed-forward, log-domain, stereo-linked compressor after D. Giannoulis,
 * M. Massberg and J. D. Reiss, "Digital Dynamic Range Compressor Design —
 * A Tutorial and Analysis", J. Audio Eng. Soc. 60(6), 2012 (the design of
 * Fig. 7(b): gain computer in the log domain, then the level detector on the
 * gain reduction). Per sample n:
 *
 *   x_G = 20·log10(max over key channels of |key[n]|), floored at −200 dB
 *   y_G = staticCurveDb(x_G, T, R, W)                          (eq. 4, soft knee)
 *   x_L = x_G − y_G                                            (gain reduction, ≥ 0)
 *   y_L = α_A·y_L[n−1] + (1−α_A)·x_L   if x_L > y_L[n−1]       (eq. 17, smooth
 *         α_R·y_L[n−1] + (1−α_R)·x_L   otherwise                branching peak)
 *   α_A = exp(−1/(τ_A·fs)),  α_R = exp(−1/(τ_R·fs))
 *   out = (1−mix)·in + mix·10^((makeup − y_L)/20)·in
 *
 * The key is the compressor's own input, or an external side-chain buffer
 * (usually 1 or 2 channels). One gain, from the loudest key channel, is
 * applied to every channel (stereo link).
 *
 * Speed and exactness. Math.log10 and Math.pow per sample dominate the
 * render's cost, so the per-sample path uses neither:
 *  - A chunk of frames (512) whose key stays below the knee (|key| ≤
 *    10^((T − W/2)/20)) takes no logarithm: x_L is exactly 0 there, and with
 *    no reduction left the chunk costs a pass for its peak and the makeup
 *    multiply (none without makeup). Any other chunk takes the logarithm of
 *    every frame and evaluates the static curve without branching on the
 *    level: on real material the level crosses the knee often and at random,
 *    and a mispredicted branch per crossing costs more than the logarithm it
 *    would save.
 *  - While the smoothed reduction is below 1e-9 dB the gain is the makeup gain
 *    (a constant), so no exponential is taken either. The state itself is not
 *    rounded (it is only flushed to 0 below 1e-30 dB, to keep subnormal
 *    doubles out of the loop), so this error does not build up.
 *  - Otherwise `fastAmplitudeToDb` and `fastDbToAmplitude` below: the exponent
 *    and top mantissa bits of the double are read through a shared
 *    Float64Array / Uint32Array view, a small table reduces the argument, and
 *    a degree-4 polynomial does the rest. Bounds (derived in each function's
 *    comment and checked by the tests over dense sweeps):
 *      |fastAmplitudeToDb(a) − 20·log10(a)|   ≤ 1e-11 dB   for a ≥ 1e-10
 *      |fastDbToAmplitude(d) / 10^(d/20) − 1| ≤ 2e-13      for |d| ≤ 2000 dB
 *    The smoothing filter is monotone with slope < 1 in its state, so an error
 *    in x_L never grows through it, and x_L = x_G − y_G moves by at most as
 *    much as x_G (the static curve has slope between 0 and 1); the branch-free
 *    static curve adds a few ulps above the knee (about 1e-14 dB at 100 dB of
 *    reduction). The output gain therefore stays within 1.1e-9 dB of the
 *    formula evaluated exactly (almost all of it the 1e-9 dB threshold above).
 *  Only +, −, ×, comparisons, table look-ups and Math.floor/Math.abs run per
 *  sample; all are exactly rounded IEEE-754 operations (JavaScript never fuses
 *  a multiply and an add), and the tables are built at load time from exact
 *  doublings and series sums by the same operations, so the output is
 *  bit-identical in every JavaScript engine. Coefficients (α, the knee edge)
 *  are computed once per setParams with Math.exp and Math.pow.
 *  The work is done in passes over a chunk (key level, gain computer,
 *  smoothing, output factor applied as it is computed) so that only the
 *  smoothing is a recursion; see processChunk.
 *
 * State is per sample only, so any split into blocks gives the same output.
 * The per-block path allocates nothing.
 */
import { dbToGain, pexp } from './portable-math.js';

/** Settings of one compressor; times in seconds, levels in dB. */
export interface CompressorParams {
  thresholdDb: number;
  /** 1..∞; `Infinity` makes a limiter-like curve above the knee. */
  ratio: number;
  kneeDb: number;
  attack: number;
  release: number;
  makeupDb: number;
  /** Wet fraction, 0..1 (parallel compression). */
  mix: number;
}

/**
 * The static curve y_G(x_G) of Giannoulis et al. eq. 4 (soft knee of width
 * W dB centred on the threshold T), in dB. For tests and curve plots.
 */
export function staticCurveDb(xDb: number, thresholdDb: number, ratio: number, kneeDb: number): number {
  const d = xDb - thresholdDb;
  if (2 * d < -kneeDb) return xDb;
  if (2 * Math.abs(d) <= kneeDb && kneeDb > 0) {
    const u = d + kneeDb / 2;
    return xDb + ((1 / ratio - 1) * u * u) / (2 * kneeDb);
  }
  return thresholdDb + d / ratio;
}

// ---------------------------------------------------------------------------
// Deterministic fast log and exp

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
/** Index of the high (sign, exponent, top of mantissa) word of the double in U32. */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

const LN2 = 0.6931471805599453;
/** 20 / ln 10: dB per neper of amplitude. */
const DB_PER_NEPER = 8.685889638065035;
/** log2(10) / 20: octaves of amplitude per dB. */
const LOG2_PER_DB = 0.16609640474436813;
/** Floor of the detector level, in dB and as amplitude. */
const FLOOR_DB = -200;
const FLOOR_AMPLITUDE = 1e-10;

/** ln(v) for v in [0.5, 2], by the atanh series summed to convergence (table set-up only). */
function lnSeries(v: number): number {
  const z = (v - 1) / (v + 1);
  const z2 = z * z;
  let term = z;
  let sum = 0;
  for (let k = 1; k < 200 && term !== 0; k += 2, term *= z2) sum += term / k;
  return 2 * sum;
}

/** e^u for |u| ≤ 1, by its Taylor series summed to convergence (table set-up only). */
function expSeries(u: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 60 && term !== 0; k++) {
    term *= u / k;
    sum += term;
  }
  return sum;
}

/**
 * The tables, in one array so that a loop reading several of them checks
 * one array, not three: 2^k, 1/c and −20·log10(1/c) per log cell, 2^(j/64).
 */
const POW2_OFFSET = 1074;
const LOG_BITS = 7;
const LOG_CELLS = 1 << LOG_BITS;
const EXP_SHIFT = 6;
const EXP_STEPS = 1 << EXP_SHIFT;
const POW2_AT = 0;
const LOG_AT = POW2_AT + POW2_OFFSET + 1024;
const EXP_AT = LOG_AT + 2 * LOG_CELLS;
const TABLES = new Float64Array(EXP_AT + EXP_STEPS);

/** 2^k for k in −1074 .. 1023, built by exact doublings and halvings: TABLES[POW2_AT + POW2_OFFSET + k]. */
for (let k = 0, v = 1; k <= 1023; k++, v *= 2) TABLES[POW2_AT + POW2_OFFSET + k] = v;
for (let k = 0, v = 1; k >= -1074; k--, v /= 2) TABLES[POW2_AT + POW2_OFFSET + k] = v;

/**
 * log table: [1, 2) in 128 cells; 1/c at each cell's centre c, and −20·log10
 * of that reciprocal: TABLES[LOG_AT + 2j] and TABLES[LOG_AT + 2j + 1].
 */
for (let j = 0; j < LOG_CELLS; j++) {
  const inv = 1 / (1 + (j + 0.5) / LOG_CELLS);
  TABLES[LOG_AT + 2 * j] = inv;
  TABLES[LOG_AT + 2 * j + 1] = -lnSeries(inv) * DB_PER_NEPER;
}

/** exp table: 2^(j/64), j = 0..63: TABLES[EXP_AT + j]. */
for (let j = 0; j < EXP_STEPS; j++) TABLES[EXP_AT + j] = expSeries((j / EXP_STEPS) * LN2);

const DB_PER_OCTAVE = LN2 * DB_PER_NEPER;
const HALF_DB = DB_PER_NEPER / 2;
const THIRD_DB = DB_PER_NEPER / 3;
const QUARTER_DB = DB_PER_NEPER / 4;

/**
 * 20·log10(a) for a ≥ 1e-10 (smaller a, 0 and NaN give −200 dB).
 *
 * a = 2^e·m, with e read from the exponent bits and m = a·2^−e in [1, 2)
 * (exact). The top 7 mantissa bits pick a cell of [1, 2) with centre c;
 * r = m·(1/c) − 1 has |r| < 2^−8, and
 *   ln a = e·ln 2 − ln(1/c) + ln(1 + r),  ln(1 + r) ≈ r − r²/2 + r³/3 − r⁴/4
 * whose remainder is below |r|⁵/5 < 2e-13 neper (2e-12 dB). With rounding
 * the error stays below 1e-11 dB (checked by the tests). The polynomial is
 * evaluated in a shallow (Estrin) order, which is what makes it fast.
 */
export function fastAmplitudeToDb(a: number): number {
  if (!(a > FLOOR_AMPLITUDE)) a = FLOOR_AMPLITUDE;
  F64[0] = a;
  const hi = U32[HI]!;
  const e = (hi >>> 20) - 1023;
  const j = (hi >>> (20 - LOG_BITS)) & (LOG_CELLS - 1);
  const r = a * TABLES[POW2_AT + POW2_OFFSET - e]! * TABLES[LOG_AT + 2 * j]! - 1;
  const r2 = r * r;
  const p = (DB_PER_NEPER * r - HALF_DB * r2) + r2 * (THIRD_DB * r - QUARTER_DB * r2);
  return e * DB_PER_OCTAVE + TABLES[LOG_AT + 2 * j + 1]! + p;
}

const SIXTH = 1 / 6;
const TWENTYFOURTH = 1 / 24;

/**
 * 10^(d/20), for |d| ≤ 2000 dB (clamped outside; NaN gives 10^(−100)).
 *
 * t = d·log2(10)/20 = k + i/64 + f with integers k, i (0 ≤ i < 64) and
 * |f| ≤ 1/128; 2^k comes from an exact table, 2^(i/64) from a table, and
 * 2^f = e^u, u = f·ln 2, |u| < 0.0055, from 1 + u + u²/2 + u³/6 + u⁴/24,
 * whose remainder is below |u|⁵/120·e^|u| < 4e-14 relative. With the rounding
 * of t (|t| ≤ 333) the relative error stays below 2e-13 (2e-12 dB; checked by
 * the tests).
 */
export function fastDbToAmplitude(d: number): number {
  if (d > 2000) d = 2000;
  else if (!(d >= -2000)) d = -2000;
  const t = d * LOG2_PER_DB;
  const n = Math.floor(t * EXP_STEPS + 0.5);
  const u = (t - n / EXP_STEPS) * LN2;
  const u2 = u * u;
  const p = 1 + u + u2 * (0.5 + SIXTH * u + TWENTYFOURTH * u2);
  return p * TABLES[EXP_AT + (n & (EXP_STEPS - 1))]! * TABLES[POW2_AT + POW2_OFFSET + (n >> EXP_SHIFT)]!;
}

// ---------------------------------------------------------------------------

/** Reductions below this are applied as 0 (the state keeps its exact value). */
const APPLY_EPSILON_DB = 1e-9;
/** The state is flushed to 0 below this, to keep subnormal doubles out. */
const FLUSH_DB = 1e-30;
/** Frames per inner pass (the per-frame values of a pass live in a fixed scratch buffer). */
const CHUNK = 512;

/**
 * Slots of Compressor.loop: everything the per-frame loops use, settings here
 * and constants in CONSTANTS, is read into locals from a Float64Array. A
 * value read from a Float64Array is known to be a double, so the compiled
 * loop keeps it in a register unboxed; a local copied from a module-level constant or an
 * object field may be a boxed number, re-checked and unboxed at each use.
 */
const L_THRESHOLD = 0;
const L_HALF_KNEE = 1;
const L_SLOPE = 2;
const L_KNEE_SCALE = 3;
const L_ALPHA_A = 4;
const L_ALPHA_R = 5;
const L_BETA_A = 6;
const L_BETA_R = 7;
const L_MAKEUP = 8;
const L_WET = 9;
const L_DRY = 10;
const L_IDLE = 11;
const L_SLOTS = 12;

/** The module's constants as the loops read them (why: see L_THRESHOLD), and their slots. */
const CONSTANTS = Float64Array.of(
  DB_PER_OCTAVE, DB_PER_NEPER, HALF_DB, THIRD_DB, QUARTER_DB, FLOOR_AMPLITUDE,
  LOG2_PER_DB, LN2, APPLY_EPSILON_DB, FLUSH_DB, SIXTH, TWENTYFOURTH, EXP_STEPS, 1 / EXP_STEPS,
);
const K_DB_PER_OCTAVE = 0;
const K_DB_PER_NEPER = 1;
const K_HALF_DB = 2;
const K_THIRD_DB = 3;
const K_QUARTER_DB = 4;
const K_FLOOR_AMPLITUDE = 5;
const K_LOG2_PER_DB = 6;
const K_LN2 = 7;
const K_EPSILON = 8;
const K_FLUSH = 9;
const K_SIXTH = 10;
const K_TWENTYFOURTH = 11;
const K_EXP_STEPS = 12;
/** 1/64, a power of two: m·(1/64) is exactly m/64, without a division. */
const K_EXP_STEP = 13;

export class Compressor {
  // Coefficients (setParams); the rest of the settings are in `loop`.
  /**
   * Key amplitude at or below which the reduction is the constant
   * `lowReductionDb`: the bottom of the knee, or the −200 dB floor if that
   * is higher.
   */
  private kneeLowAmplitude = 0;
  /** The reduction below kneeLowAmplitude: 0, or that at the floor for a knee reaching under −200 dB. */
  private lowReductionDb = 0;
  /** Output factor when the smoothed reduction is 0: dry + wet·makeup gain. */
  private idleFactor = 1;

  // State.
  private smoothedDb = 0;
  private readonly gains = new Float64Array(CHUNK);
  /** The settings as the loops read them (see L_THRESHOLD). */
  private readonly loop = new Float64Array(L_SLOTS);

  constructor(
    private readonly channels: number,
    private readonly sampleRate: number,
    params: CompressorParams,
  ) {
    if (!(channels >= 1)) throw new RangeError(`Compressor: channels must be at least 1, got ${channels}`);
    this.setParams(params);
  }

  /** New settings between blocks; the envelope carries on from where it is. */
  setParams(p: CompressorParams): void {
    // 1 − 1/R: the slope of the gain reduction above the knee.
    const slope = 1 - 1 / p.ratio;
    const kneeDb = Math.max(0, p.kneeDb);
    const kneeBottomDb = p.thresholdDb - kneeDb / 2;
    this.kneeLowAmplitude = Math.max(FLOOR_AMPLITUDE, dbToGain(kneeBottomDb));
    this.lowReductionDb = kneeBottomDb < FLOOR_DB ? FLOOR_DB - staticCurveDb(FLOOR_DB, p.thresholdDb, p.ratio, kneeDb) : 0;
    const alphaA = pexp(-1 / (p.attack * this.sampleRate));
    const alphaR = pexp(-1 / (p.release * this.sampleRate));
    const wet = Math.min(1, Math.max(0, p.mix));
    const dry = 1 - wet;
    this.idleFactor = dry + wet * fastDbToAmplitude(p.makeupDb);
    const l = this.loop;
    l[L_THRESHOLD] = p.thresholdDb;
    l[L_HALF_KNEE] = kneeDb / 2;
    l[L_SLOPE] = slope;
    l[L_KNEE_SCALE] = kneeDb > 0 ? slope / (2 * kneeDb) : 0;
    l[L_ALPHA_A] = alphaA;
    l[L_ALPHA_R] = alphaR;
    l[L_BETA_A] = 1 - alphaA;
    l[L_BETA_R] = 1 - alphaR;
    l[L_MAKEUP] = p.makeupDb;
    l[L_WET] = wet;
    l[L_DRY] = dry;
    l[L_IDLE] = this.idleFactor;
  }

  /** The latest smoothed gain reduction in dB (≥ 0), for meters. */
  get gainReductionDb(): number {
    return this.smoothedDb;
  }

  reset(): void {
    this.smoothedDb = 0;
  }

  /**
   * Compresses `frames` frames of `buffers` in place. `key`, when given, is
   * the side-chain (1 or more channels, read at the same indices); otherwise
   * the input keys itself. Frames offset … offset+frames−1 are processed.
   */
  process(buffers: Float64Array[], frames: number, key?: readonly Float64Array[] | null, offset = 0): void {
    const k = key ?? buffers;
    const end = offset + frames;
    for (let start = offset; start < end; start += CHUNK) this.processChunk(buffers, k, start, Math.min(CHUNK, end - start));
  }

  /**
   * Frames start .. start+n−1, in passes over the `gains` scratch: the key
   * level, the gain computer (independent frames), the smoothing detector
   * (the only recursion), then the output factor (independent frames),
   * applied as it is computed. Keeping the recursion in a loop of its own
   * lets the processor overlap the logarithms and exponentials of many
   * frames. The log and exp are those of fastAmplitudeToDb and
   * fastDbToAmplitude, written out here with their tables and constants in
   * locals read before each loop (from Float64Arrays: see L_THRESHOLD).
   */
  private processChunk(buffers: Float64Array[], key: readonly Float64Array[], start: number, n: number): void {
    const gains = this.gains;

    // 1. Gain computer: x_L = x_G − y_G per frame, from the loudest key channel.
    // 1a. The key level per frame, max over the key channels, and its peak over
    //     the chunk.
    const k0 = key[0]!;
    const k1 = key.length > 1 ? key[1]! : k0;
    let peak = 0;
    for (let i = 0; i < n; i++) {
      let a = Math.abs(k0[start + i]!);
      const b = Math.abs(k1[start + i]!);
      if (b > a) a = b;
      if (a > peak) peak = a;
      gains[i] = a;
    }
    for (let c = 2; c < key.length; c++) {
      const kc = key[c]!;
      for (let i = 0; i < n; i++) {
        const a = Math.abs(kc[start + i]!);
        if (a > gains[i]!) gains[i] = a;
        if (a > peak) peak = a;
      }
    }

    let s = this.smoothedDb;
    const low = this.lowReductionDb;
    if (!(peak > this.kneeLowAmplitude)) {
      // No frame above the bottom of the knee: no logarithm, the reduction is
      // `low` throughout (0, unless the knee reaches under the floor).
      if (low === 0 && s === 0) {
        // Nothing to smooth: the factor is the makeup gain (exactly 1 with no makeup).
        const idle = this.idleFactor;
        if (idle !== 1) {
          for (let c = 0; c < this.channels; c++) {
            const buf = buffers[c]!;
            for (let i = start; i < start + n; i++) buf[i] = buf[i]! * idle;
          }
        }
        return;
      }
      gains.fill(low, 0, n);
    } else {
      // 1b. x_L = x_G − y_G for every frame, without branches on the level:
      //     with d = x_G − T, p = max(0, d + W/2) and q = max(0, d − W/2),
      //     x_L = (1 − 1/R)·((p − q)²/(2W) + q), which is 0 below the knee, the
      //     quadratic inside it and (1 − 1/R)·d above it (eq. 4). max(0, v) is
      //     (v + |v|)/2, exact. The log is fastAmplitudeToDb written out.
      const f64 = F64;
      const u32 = U32;
      const hiWord = HI;
      const tables = TABLES;
      const pow2At = (POW2_AT + POW2_OFFSET) | 0;
      const logAt = LOG_AT | 0;
      const K = CONSTANTS;
      const dbPerOctave = K[K_DB_PER_OCTAVE]!;
      const dbPerNeper = K[K_DB_PER_NEPER]!;
      const halfDb = K[K_HALF_DB]!;
      const thirdDb = K[K_THIRD_DB]!;
      const quarterDb = K[K_QUARTER_DB]!;
      const floorAmp = K[K_FLOOR_AMPLITUDE]!;
      const cellShift = (20 - LOG_BITS) | 0;
      const cellMask = (LOG_CELLS - 1) | 0;
      const l = this.loop;
      const T = l[L_THRESHOLD]!;
      const halfW = l[L_HALF_KNEE]!;
      const slope = l[L_SLOPE]!;
      const kneeScale = l[L_KNEE_SCALE]!;
      for (let i = 0; i < n; i++) {
        let a = gains[i]!;
        if (!(a > floorAmp)) a = floorAmp;
        f64[0] = a;
        const hi = u32[hiWord]!;
        const e = (hi >>> 20) - 1023;
        const cell = (hi >>> cellShift) & cellMask;
        const at = logAt + 2 * cell;
        const r = a * tables[pow2At - e]! * tables[at]! - 1;
        const r2 = r * r;
        const d = e * dbPerOctave + tables[at + 1]! + (dbPerNeper * r - halfDb * r2 + r2 * (thirdDb * r - quarterDb * r2)) - T;
        const below = d + halfW;
        const over = d - halfW;
        const p = 0.5 * (below + Math.abs(below));
        const q = 0.5 * (over + Math.abs(over));
        const u = p - q;
        gains[i] = kneeScale * u * u + slope * q;
      }
    }

    // 2. Smooth branching peak detector.
    const l = this.loop;
    const K = CONSTANTS;
    const aA = l[L_ALPHA_A]!;
    const aR = l[L_ALPHA_R]!;
    const bA = l[L_BETA_A]!;
    const bR = l[L_BETA_R]!;
    const flush = K[K_FLUSH]!;
    for (let i = 0; i < n; i++) {
      const g = gains[i]!;
      if (g > s) s = aA * s + bA * g;
      else s = aR * s + bR * g;
      if (s < flush) s = 0;
      gains[i] = s;
    }
    this.smoothedDb = s;

    // 3. Output factor: dry + wet·10^((makeup − y_L)/20).
    const makeup = l[L_MAKEUP]!;
    const wet = l[L_WET]!;
    const dry = l[L_DRY]!;
    const idle = l[L_IDLE]!;
    const tables = TABLES;
    const pow2At = (POW2_AT + POW2_OFFSET) | 0;
    const expAt = EXP_AT | 0;
    const log2PerDb = K[K_LOG2_PER_DB]!;
    const ln2 = K[K_LN2]!;
    const epsilon = K[K_EPSILON]!;
    const steps = K[K_EXP_STEPS]!;
    const stepSize = K[K_EXP_STEP]!;
    const stepMask = (EXP_STEPS - 1) | 0;
    const stepShift = EXP_SHIFT | 0;
    const c3 = K[K_SIXTH]!;
    const c4 = K[K_TWENTYFOURTH]!;
    const stereo = this.channels === 2;
    const out0 = buffers[0]!;
    const out1 = stereo ? buffers[1]! : out0;
    for (let i = 0; i < n; i++) {
      const y = gains[i]!;
      let factor = idle;
      if (y >= epsilon) {
        let d = makeup - y;
        if (d < -2000) d = -2000;
        else if (d > 2000) d = 2000;
        const t = d * log2PerDb;
        const m = Math.floor(t * steps + 0.5);
        const u = (t - m * stepSize) * ln2;
        const u2 = u * u;
        const p = 1 + u + u2 * (0.5 + c3 * u + c4 * u2);
        factor = dry + wet * (p * tables[expAt + (m & stepMask)]! * tables[pow2At + (m >> stepShift)]!);
      }
      // 4. Apply (one or two channels here; more below).
      out0[start + i] = out0[start + i]! * factor;
      if (stereo) out1[start + i] = out1[start + i]! * factor;
      else gains[i] = factor;
    }
    if (this.channels > 2) {
      for (let c = 1; c < this.channels; c++) {
        const buf = buffers[c]!;
        for (let i = 0; i < n; i++) buf[start + i] = buf[start + i]! * gains[i]!;
      }
    }
  }
}
