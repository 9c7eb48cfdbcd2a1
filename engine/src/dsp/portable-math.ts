/**
 * sin, cos, tan, exp, log, log10 and pow that give the same bits on every
 * JavaScript engine.
 *
 * ECMAScript fixes +, −, ×, ÷ and sqrt to IEEE 754 (correctly rounded), but
 * leaves Math.sin, cos, tan, exp, log, log10 and pow "implementation-
 * approximated": Node 20's V8 and Chromium's V8 differ in the last bit for a
 * few percent of arguments. Filter coefficients, gains, fades and the
 * loudness meter's K-weighting go through these functions, so the preview
 * (Chromium) and `mixdown render` (Node) would drift apart by a float32 step
 * now and then. These versions use only the exactly specified operations,
 * so every engine computes the same value.
 *
 * Method (the textbook one; see J.-M. Muller, "Elementary Functions:
 * Algorithms and Implementation", 3rd ed., ch. 11): reduce the argument
 * with constants split into a high part with trailing zero bits and a low
 * part (Cody and Waite), so the reduction is exact; evaluate the Taylor
 * series of the reduced argument by Horner's rule to a degree whose first
 * dropped term is below 10⁻¹⁸ relative; scale back exactly (by a power of
 * two, or by quadrant). The results are within a few units in the last
 * place of the true values (test/engine/portable-math.test.ts measures it),
 * which is all the engine needs: what matters is that they are the same
 * everywhere.
 */

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
/** Index of the high word (sign, exponent, top of the mantissa) of F64 in U32. */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** ln 2 = LN2_HI + LN2_LO; LN2_HI has its low 32 bits zero, so k·LN2_HI is exact for |k| < 2^20. */
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700;
/** 1 / ln 10. */
const INV_LN10 = 0.43429448190325182765;
/** π/2 = PIO2_1 + PIO2_2 + PIO2_3, the first two with low bits zero: n·PIO2_1 and n·PIO2_2 are exact for |n| < 2^20. */
const PIO2_1 = 1.57079632673412561417e0;
const PIO2_2 = 6.07710050630396597660e-11;
const PIO2_3 = 2.02226624879595063154e-21;
const INV_PIO2 = 6.36619772367581382433e-1;

/** Beyond these e^x overflows to ∞ or underflows to 0. */
const EXP_OVERFLOW = 709.782712893384;
const EXP_UNDERFLOW = -745.1332191019412;

/** 2^k as a double, for k in [−1022, 1023] (made from its bits: exact). */
function twoTo(k: number): number {
  U32[HI] = (k + 1023) << 20;
  U32[LO] = 0;
  return F64[0]!;
}

/** e^x. */
export function pexp(x: number): number {
  return expOfSum(x, 0);
}

/** e^(x + tail), tail a small correction to x (below its last place): the reduction keeps it. */
function expOfSum(x: number, tail: number): number {
  if (!(x === x)) return NaN;
  if (x > EXP_OVERFLOW) return Infinity;
  if (x < EXP_UNDERFLOW) return 0;
  // x = k·ln2 + r, |r| ≤ ln2/2.
  const k = Math.round(x * INV_LN2);
  const r = x - k * LN2_HI - k * LN2_LO + tail;
  // e^r = 1 + r(1 + r/2(1 + r/3(…))), to r^15/15! (the next term is below 1e-18 for |r| ≤ 0.35).
  let p = 1;
  for (let n = 15; n >= 1; n--) p = 1 + (r * p) / n;
  // × 2^k, in two exact steps where 2^k alone is not a normal double.
  if (k > 1023) return p * twoTo(1023) * twoTo(k - 1023);
  if (k < -1022) return p * twoTo(k + 1000) * twoTo(-1000);
  return p * twoTo(k);
}

/** The natural logarithm. */
export function plog(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  // x = m·2^e with m in [√½, √2): the exponent from the bits (subnormals scaled up first).
  let e = 0;
  let v = x;
  if (v < 2.2250738585072014e-308) {
    v *= 18014398509481984; // 2^54
    e -= 54;
  }
  F64[0] = v;
  e += ((U32[HI]! >>> 20) & 0x7ff) - 1023;
  U32[HI] = (U32[HI]! & 0x000fffff) | 0x3ff00000;
  let m = F64[0]!; // in [1, 2)
  if (m > Math.SQRT2) {
    m /= 2;
    e += 1;
  }
  // ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716: 2(s + s³/3 + s⁵/5 + …), to s^25.
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let t = 1 / 25;
  for (let n = 23; n >= 1; n -= 2) t = 1 / n + s2 * t;
  const lnm = 2 * s * t;
  return e * LN2_HI + (e * LN2_LO + lnm);
}

/** log₁₀ x. */
export function plog10(x: number): number {
  return plog(x) * INV_LN10;
}

/** base^exponent for base > 0 (0 and negative bases as Math.pow has them only where the engine needs them: 0^e). */
export function ppow(base: number, exponent: number): number {
  if (base === 0) return exponent > 0 ? 0 : exponent === 0 ? 1 : Infinity;
  if (exponent === 0) return 1;
  if (base === 1) return 1;
  return pexp(exponent * plog(base));
}

/** ln(10)/20 = DB_HI + DB_LO (to about 10⁻³⁴). */
const DB_HI = 0.11512925464970228;
const DB_LO = 5.7995642524661006e-18;
/** 2^27 + 1: splits a double into two halves whose products are exact (Veltkamp). */
const SPLITTER = 134217729;

/**
 * The rounding error of a·b (a·b − fl(a·b), exactly), by Dekker's
 * product: both factors split into 26-bit halves, whose products are exact.
 */
function productError(a: number, b: number, product: number): number {
  let t = SPLITTER * a;
  const aHi = t - (t - a);
  const aLo = a - aHi;
  t = SPLITTER * b;
  const bHi = t - (t - b);
  const bLo = b - bHi;
  return aHi * bHi - product + aHi * bLo + aLo * bHi + aLo * bLo;
}

/**
 * 10^(db/20): a level in dB as a factor of amplitude (0 dB is exactly 1,
 * −∞ dB exactly 0). db·ln(10)/20 is formed in double-double, so the
 * result is as accurate as e^x itself, whatever the level.
 */
export function dbToGain(db: number): number {
  if (db === -Infinity) return 0;
  if (db === 0) return 1;
  const y = db * DB_HI;
  return expOfSum(y, productError(db, DB_HI, y) + db * DB_LO);
}

/** sin r and cos r for |r| ≤ π/4, by their Taylor series to r^17 and r^16. */
function sinKernel(r: number, r2: number): number {
  let p = 1;
  for (let j = 8; j >= 1; j--) p = 1 - (r2 * p) / (2 * j * (2 * j + 1));
  return r * p;
}

function cosKernel(r2: number): number {
  let p = 1;
  for (let j = 8; j >= 1; j--) p = 1 - (r2 * p) / ((2 * j - 1) * (2 * j));
  return p;
}

/**
 * sin x (cos x with `shift` 1): x = n·π/2 + r with |r| ≤ π/4, then the
 * kernel of quadrant (n + shift) mod 4. Exact reduction for |x| < 10^6,
 * far beyond the engine's arguments (larger ones lose accuracy, not
 * determinism). Nothing is allocated: fades call this per sample.
 */
function sinOfQuadrant(x: number, shift: number): number {
  if (!Number.isFinite(x)) return NaN;
  if (x === 0) return shift === 0 ? x : 1; // sin(−0) is −0
  const n = Math.round(x * INV_PIO2);
  const r = x - n * PIO2_1 - n * PIO2_2 - n * PIO2_3;
  const r2 = r * r;
  switch ((((n + shift) % 4) + 4) % 4) {
    case 0: return sinKernel(r, r2);
    case 1: return cosKernel(r2);
    case 2: return -sinKernel(r, r2);
    default: return -cosKernel(r2);
  }
}

/** sin x. */
export function psin(x: number): number {
  return sinOfQuadrant(x, 0);
}

/** cos x = sin(x + π/2). */
export function pcos(x: number): number {
  return sinOfQuadrant(x, 1);
}

/** tan x. */
export function ptan(x: number): number {
  return psin(x) / pcos(x);
}
