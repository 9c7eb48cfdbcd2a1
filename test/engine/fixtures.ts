/**
 * Shared helpers for the engine tests: deterministic test signals, an
 * in-memory SourceProvider, a 64-bit float WAV writer for ffmpeg's inputs,
 * and a runner that reads ffmpeg's raw f64le output, so that neither side of
 * a comparison is quantised.
 *
 * This file imports nothing from the render graph: the filter tests load it
 * without pulling in the compressor and limiter. `renderMix` loads the graph
 * when it is first called.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, type MixModel } from '../../grammar/src/index.js';
import type { AudioSource, SourceProvider } from '../../engine/src/index.js';

export const FFMPEG = '/usr/bin/ffmpeg';

// ---------------------------------------------------------------------------
// Signals

/**
 * White noise, uniform in [-amplitude, amplitude), from a fixed seed
 * (mulberry32), so every run sees the same samples.
 */
export function noise(frames: number, seed: number, amplitude = 0.25): Float64Array {
  let a = seed >>> 0;
  const out = new Float64Array(frames);
  for (let i = 0; i < frames; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296; // [0, 1)
    out[i] = amplitude * (2 * u - 1);
  }
  return out;
}

/** amplitude · sin(2π f n / fs + phase). */
export function sine(frames: number, freq: number, sampleRate: number, amplitude = 0.5, phase = 0): Float64Array {
  const out = new Float64Array(frames);
  const w = (2 * Math.PI * freq) / sampleRate;
  for (let i = 0; i < frames; i++) out[i] = amplitude * Math.sin(w * i + phase);
  return out;
}

// ---------------------------------------------------------------------------
// Measurements

export function rms(x: ArrayLike<number>, start = 0, end = x.length): number {
  let s = 0;
  for (let i = start; i < end; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / Math.max(1, end - start));
}

/**
 * RMS of (ours − reference) relative to the RMS of the reference, in dB,
 * over all channels and frames [start, end).
 */
export function residualDb(ours: readonly Float64Array[], reference: readonly Float64Array[], start = 0, end?: number): number {
  if (ours.length !== reference.length) throw new Error(`channel counts differ: ${ours.length} vs ${reference.length}`);
  let diff = 0;
  let ref = 0;
  for (let c = 0; c < ours.length; c++) {
    const a = ours[c]!;
    const b = reference[c]!;
    const e = end ?? Math.min(a.length, b.length);
    if (a.length < e || b.length < e) throw new Error(`channel ${c} is too short: ${a.length}, ${b.length} < ${e}`);
    for (let i = start; i < e; i++) {
      const d = a[i]! - b[i]!;
      diff += d * d;
      ref += b[i]! * b[i]!;
    }
  }
  if (ref === 0) throw new Error('the reference is silent');
  return 10 * Math.log10(diff / ref);
}

/**
 * Least-squares fit of a·sin(ωn) + b·cos(ωn) to x over n in [start, end):
 * exact for a pure sine whatever the window length.
 */
export function fitSine(x: Float64Array, omega: number, start: number, end: number): { a: number; b: number } {
  let ss = 0, cc = 0, sc = 0, xs = 0, xc = 0;
  for (let i = start; i < end; i++) {
    const s = Math.sin(omega * i);
    const c = Math.cos(omega * i);
    ss += s * s;
    cc += c * c;
    sc += s * c;
    xs += x[i]! * s;
    xc += x[i]! * c;
  }
  const det = ss * cc - sc * sc;
  return { a: (xs * cc - xc * sc) / det, b: (xc * ss - xs * sc) / det };
}

/** Amplitude of the component at `freq` in x[start..end) (see fitSine). */
export function toneAmplitude(x: Float64Array, freq: number, sampleRate: number, start: number, end: number): number {
  const { a, b } = fitSine(x, (2 * Math.PI * freq) / sampleRate, start, end);
  return Math.hypot(a, b);
}

export const dbToGain = (db: number): number => Math.pow(10, db / 20);
export const gainToDb = (g: number): number => 20 * Math.log10(g);

// ---------------------------------------------------------------------------
// Sources

/** An AudioSource over planar arrays at the session rate; frames outside read as zeros. */
export function memorySource(channels: readonly Float64Array[]): AudioSource {
  if (channels.length !== 1 && channels.length !== 2) throw new Error('1 or 2 channels');
  const frames = channels[0]!.length;
  return {
    channels: channels.length as 1 | 2,
    frames,
    read(start, count, out, offset) {
      for (let c = 0; c < channels.length; c++) {
        const src = channels[c]!;
        const dst = out[c]!;
        for (let i = 0; i < count; i++) {
          const t = start + i;
          dst[offset + i] = t >= 0 && t < frames ? src[t]! : 0;
        }
      }
    },
  };
}

/** A SourceProvider over named in-memory files; an unknown path throws. */
export function memoryProvider(files: Readonly<Record<string, readonly Float64Array[]>>): SourceProvider {
  return {
    open(path) {
      const f = files[path];
      if (!f) throw new Error(`no such test file: ${path}`);
      return memorySource(f);
    },
  };
}

// ---------------------------------------------------------------------------
// Mix files

/** The model of `text`; fails the test on any error diagnostic. */
export function modelOf(text: string): MixModel {
  const checked = check(text);
  const errors = checked.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`mix text has errors:\n${errors.map((e) => `${e.code}: ${e.message}`).join('\n')}`);
  return checked.model;
}

export interface RenderOptions {
  /** First timeline frame (default 0). */
  readonly start?: number;
  /** Frames to render (default: the graph's length). */
  readonly frames?: number;
  readonly blockSize?: number;
  /** MixGraph's maxBlock (default: the block size). */
  readonly maxBlock?: number;
  readonly autoTrims?: boolean;
}

/**
 * Renders a mix text over in-memory files with the engine's offline renderer
 * (check → MixGraph → renderSpan). Returns the planar master output.
 */
export async function renderMix(
  text: string,
  files: Readonly<Record<string, readonly Float64Array[]>>,
  options: RenderOptions = {},
): Promise<Float64Array[]> {
  const { MixGraph, measureAutoTrims, renderSpan } = await import('../../engine/src/index.js');
  const model = modelOf(text);
  const provider = memoryProvider(files);
  const blockSize = options.blockSize ?? 1024;
  const autoTrims = options.autoTrims === false ? undefined : measureAutoTrims(model, provider);
  const graph = new MixGraph(model, provider, { maxBlock: options.maxBlock ?? blockSize, autoTrims });
  const frames = options.frames ?? graph.length;
  const channels = model.output === 'mono' ? 1 : 2;
  const out = Array.from({ length: channels }, () => new Float64Array(frames));
  let at = 0;
  renderSpan(
    graph,
    { start: options.start ?? 0, frames },
    {
      write(chunk, n) {
        for (let c = 0; c < channels; c++) out[c]!.set(chunk[c]!.subarray(0, n), at);
        at += n;
      },
    },
    blockSize,
  );
  if (at !== frames) throw new Error(`renderSpan wrote ${at} frames, asked for ${frames}`);
  return out;
}

// ---------------------------------------------------------------------------
// WAV and ffmpeg

/**
 * A WAV file of 64-bit IEEE float samples (format tag 3), written from the
 * RIFF/WAVE layout: an 18-byte fmt chunk, a fact chunk, interleaved data.
 */
export function wavF64(channels: readonly Float64Array[], sampleRate: number): Buffer {
  const nch = channels.length;
  const frames = channels[0]!.length;
  const dataBytes = frames * nch * 8;
  const header = Buffer.alloc(12 + 8 + 18 + 8 + 4 + 8);
  let o = 0;
  o += header.write('RIFF', o, 'ascii');
  o = header.writeUInt32LE(header.length - 8 + dataBytes, o);
  o += header.write('WAVE', o, 'ascii');
  o += header.write('fmt ', o, 'ascii');
  o = header.writeUInt32LE(18, o);
  o = header.writeUInt16LE(3, o); // WAVE_FORMAT_IEEE_FLOAT
  o = header.writeUInt16LE(nch, o);
  o = header.writeUInt32LE(sampleRate, o);
  o = header.writeUInt32LE(sampleRate * nch * 8, o);
  o = header.writeUInt16LE(nch * 8, o);
  o = header.writeUInt16LE(64, o);
  o = header.writeUInt16LE(0, o); // cbSize
  o += header.write('fact', o, 'ascii');
  o = header.writeUInt32LE(4, o);
  o = header.writeUInt32LE(frames, o);
  o += header.write('data', o, 'ascii');
  o = header.writeUInt32LE(dataBytes, o);
  const data = Buffer.alloc(dataBytes);
  for (let i = 0; i < frames; i++) for (let c = 0; c < nch; c++) data.writeDoubleLE(channels[c]![i]!, (i * nch + c) * 8);
  return Buffer.concat([header, data]);
}

/** A temporary folder, removed by the returned `dispose`. */
export function tempDir(prefix = 'mixdown-engine-'): { dir: string; file: (name: string) => string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, file: (name) => join(dir, name), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeWavF64(path: string, channels: readonly Float64Array[], sampleRate: number): void {
  writeFileSync(path, wavF64(channels, sampleRate));
}

/**
 * Runs ffmpeg with `args` (inputs and filters, no output) and returns its
 * output as raw 64-bit float samples (`-f f64le` to stdout), de-interleaved
 * into `channels` planar arrays. Throws with ffmpeg's message on failure.
 */
export function ffmpegF64(args: readonly string[], channels: number): Float64Array[] {
  const raw = execFileSync(FFMPEG, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args, '-c:a', 'pcm_f64le', '-f', 'f64le', '-'], {
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (raw.length % (8 * channels) !== 0) throw new Error(`ffmpeg output of ${raw.length} bytes is not whole ${channels}-channel f64 frames`);
  const frames = raw.length / (8 * channels);
  const out = Array.from({ length: channels }, () => new Float64Array(frames));
  for (let i = 0; i < frames; i++) for (let c = 0; c < channels; c++) out[c]![i] = raw.readDoubleLE((i * channels + c) * 8);
  return out;
}

/**
 * One ffmpeg run with a `-filter_complex` graph and several labelled
 * outputs, each written as raw f64le to a file in `dir` and read back
 * planar. Starting ffmpeg once for many filters keeps the tests quick.
 */
export function ffmpegF64Outputs(
  dir: string,
  inputs: readonly string[],
  filterComplex: string,
  outputs: readonly { readonly label: string; readonly channels: number }[],
): Float64Array[][] {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];
  for (const input of inputs) args.push('-i', input);
  args.push('-filter_complex', filterComplex);
  const files = outputs.map((_, i) => join(dir, `out-${i}.f64`));
  outputs.forEach((o, i) => args.push('-map', `[${o.label}]`, '-c:a', 'pcm_f64le', '-f', 'f64le', files[i]!));
  execFileSync(FFMPEG, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return outputs.map((o, i) => {
    const raw = readFileSync(files[i]!);
    if (raw.length % (8 * o.channels) !== 0) throw new Error(`${o.label}: ${raw.length} bytes is not whole ${o.channels}-channel f64 frames`);
    const frames = raw.length / (8 * o.channels);
    const out = Array.from({ length: o.channels }, () => new Float64Array(frames));
    for (let i = 0; i < frames; i++) for (let c = 0; c < o.channels; c++) out[c]![i] = raw.readDoubleLE((i * o.channels + c) * 8);
    return out;
  });
}

/** Prints a measured figure when MIXDOWN_REPORT is set (for reports; silent otherwise). */
export function report(what: string, value: number, unit = 'dB'): void {
  if (process.env['MIXDOWN_REPORT']) console.log(`${what}: ${value.toFixed(2)} ${unit}`);
}
