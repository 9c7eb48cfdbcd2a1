/**
 * What each keyword means, for hover and completion. Kept beside the grammar
 * so the editor and docs/language.md say the same thing. The entries of
 * processors, their bands and parameters are generated from the processor
 * registry (processors/), in the order the registry lists them.
 */
import { declarationsOf, PARAM_KEYWORDS, PROCESSOR_LIST, PROCESSOR_TYPES, type ParamDecl, type ProcessorType } from './processors/index.js';
import type { Keyword } from './tokens.js';
import { showValue, UNIT_RULES } from './units.js';

/** Where a statement keyword may start a statement. */
export type Level = 'top' | 'channel' | ProcessorType;

export interface KeywordDoc {
  readonly syntax: string;
  readonly summary: string;
  readonly unit?: string;
  readonly range?: string;
  readonly default?: string;
  /** Levels where this keyword starts a statement; absent for clause words. */
  readonly levels?: readonly Level[];
  /** A snippet inserted by completion (LSP snippet syntax). */
  readonly snippet?: string;
}

const CH: Level[] = ['channel'];

export const KEYWORD_DOCS: Partial<Record<Keyword, KeywordDoc>> = {
  title: { syntax: 'title "NAME"', summary: 'The name of the session.', default: 'the file name', levels: ['top'], snippet: 'title "${1:Song}"' },
  samplerate: { syntax: 'samplerate N [Hz]', summary: 'The sample rate of the render. Sources at other rates are resampled.', unit: 'Hz (may be left out)', range: '8000 – 192000 Hz', default: '48000 Hz', levels: ['top'], snippet: 'samplerate ${1:48000} Hz' },
  tempo: { syntax: 'tempo N [bpm] [at bar M [ramp]]', summary: 'Beats per minute (of the first meter’s note); needed for `bar` times. `at bar M` changes the tempo at the start of bar M; `ramp` ramps to it linearly from the change before.', unit: 'bpm (may be left out)', range: '20 – 400 bpm', default: 'none: `bar` times are then errors', levels: ['top'], snippet: 'tempo ${1:120} bpm' },
  meter: { syntax: 'meter A/B [at bar M]', summary: 'Time signature, used to turn `bar N beat B` into seconds. `at bar M` changes it at the start of bar M; bars are counted across changes.', default: '4/4', levels: ['top'], snippet: 'meter ${1:4}/${2:4}' },
  output: { syntax: 'output stereo|mono', summary: 'Channel layout of the render. With `mono` the master is folded to (L+R)/2 and pan is ignored.', default: 'stereo', levels: ['top'], snippet: 'output ${1|stereo,mono|}' },
  length: { syntax: 'length TIME', summary: 'Render length.', default: 'the end of the last clip', levels: ['top'], snippet: 'length ${1:3:30}' },
  reference: { syntax: 'reference NAME "FILE" [gain DB]', summary: 'A reference track for A/B comparison in the preview. Never mixed in.', levels: ['top'], snippet: 'reference ${1:pro} "${2:refs/reference.wav}"' },
  marker: { syntax: 'marker NAME TIME', summary: 'A named position (a song section). Usable wherever a time is: `from chorus`.', levels: ['top'], snippet: 'marker ${1:chorus} bar ${2:17}' },
  track: { syntax: 'track NAME { … }', summary: 'A channel with audio sources (`file`, `clip`), processed then routed to a bus or master.', levels: ['top'], snippet: 'track ${1:name} {\n\tfile "${2:stems/file.wav}"\n}' },
  bus: { syntax: 'bus NAME { … }', summary: 'A channel whose input is everything routed (`to`) or sent (`send`) to it.', levels: ['top'], snippet: 'bus ${1:name} {\n\t$0\n}' },
  master: { syntax: 'master { … }', summary: 'The final bus: what it outputs is the render. Always exists.', levels: ['top'], snippet: 'master {\n\t$0\n}' },
  label: { syntax: 'label "TEXT"', summary: 'The name shown in the outline and the preview’s channel list. No effect on sound.', levels: CH, snippet: 'label "${1}"' },
  color: { syntax: 'color "#rrggbb"', summary: 'The channel’s colour in the outline and preview. No effect on sound.', levels: CH, snippet: 'color "${1:#e06c75}"' },
  hidden: { syntax: 'hidden', summary: 'Keeps the channel out of the preview’s channel list. It still sounds.', levels: CH },
  mute: { syntax: 'mute', summary: 'Silences the channel at its fader. A muted channel still keys side-chains.', default: 'off', levels: CH },
  solo: { syntax: 'solo', summary: 'If any channel is soloed, only soloed tracks (and what they feed) sound.', default: 'off', levels: CH },
  file: { syntax: 'file "PATH"', summary: 'Places the whole audio file at 0 s, unfaded. Paths are relative to the mix file, with `/` separators.', levels: CH, snippet: 'file "${1}"' },
  clip: { syntax: 'clip "PATH" [at T] [from T] [to T] [fade D|fadein D|fadeout D] [gain DB]', summary: 'Places the file at `at` and plays only the timeline span `from`–`to`: how takes are comped. An edge cut inside the audio gets a 5 ms fade unless one is written. `to` and `gain` clauses must stay on the clip’s line.', levels: CH, snippet: 'clip "${1}" from ${2:bar 1} to ${3:bar 9}' },
  cut: { syntax: 'cut T to T [equal|linear|s|exp]', summary: 'Silences a span of the timeline, with 5 ms fades at both edges (equal-power unless a shape is written).', levels: CH, snippet: 'cut ${1:1:00} to ${2:1:02}' },
  trim: { syntax: 'trim DB | trim auto LEVEL dBFS [peak|rms]', summary: 'Gain staging before the inserts. `auto` scales the summed sources so their peak (or whole-file RMS) reads LEVEL.', unit: 'dB; dBFS for auto', range: '-inf – +48 dB; auto: -60 – 0 dBFS', default: '0 dB; auto measures peak', levels: CH, snippet: 'trim ${1:-3} dB' },
  gain: { syntax: 'gain DB', summary: 'The fader, after the inserts.', unit: 'dB', range: '-inf – +24 dB', default: '0 dB', levels: CH, snippet: 'gain ${1:0} dB' },
  pan: { syntax: 'pan PCT', summary: 'Position from -100% (left) to +100% (right). Mono sources: constant power, -3 dB at centre. Stereo sources: balance.', unit: '%', range: '-100% – +100%', default: '0%', levels: CH, snippet: 'pan ${1:0}%' },
  polarity: { syntax: 'polarity invert', summary: 'Flips the sign of the signal.', default: 'off', levels: CH, snippet: 'polarity invert' },
  to: { syntax: 'to BUS', summary: 'Where the channel’s output goes: a bus or master. Routing must not go round in a circle.', default: 'master', levels: CH, snippet: 'to ${1:master}' },
  send: { syntax: 'send BUS DB [pre]', summary: 'Sends a copy to a bus: post-fader and post-pan, or before the fader with `pre`.', unit: 'dB', range: '-inf – +24 dB', levels: CH, snippet: 'send ${1:bus} ${2:-12} dB' },
  automate: {
    syntax: 'automate TARGET { TIME VALUE [linear|hold|smooth] … }',
    summary: 'An automation lane: moves `gain`, `pan`, `trim`, `mute`, `send BUS` or a processor’s parameter (`glue.threshold`, `presence.gain`, `comp#2.ratio`) over time. Before the first point the written setting holds; after the last, the last value.',
    levels: CH,
    snippet: 'automate ${1:gain} {\n\t${2:bar 1} ${3:0} dB\n\t${4:bar 9} ${5:-3} dB\n}',
  },
  ...blockDocs(),
  target: { syntax: 'target L LUFS', summary: 'Master only: the render’s gain is adjusted until its integrated loudness is within 0.1 LU of L.', unit: 'LUFS', range: '-60 – 0 LUFS', levels: CH, snippet: 'target ${1:-14} LUFS' },
  bypass: { syntax: 'bypass', summary: 'Switches the block off without deleting its settings.', levels: PROCESSOR_TYPES },
  ...bandDocs(),
  ...paramDocs(),
  at: { syntax: 'at TIME', summary: 'Where the clip’s file starts on the timeline.', default: '0' },
  from: { syntax: 'from TIME', summary: 'Timeline position where the clip starts playing.', default: 'the clip’s start' },
  fade: { syntax: 'fade DUR [equal|linear|s|exp]', summary: 'Fades centred on both edges of the clip, equal-power unless a shape is written.', default: '5 ms at edges cut inside the audio; equal' },
  fadein: { syntax: 'fadein DUR [equal|linear|s|exp]', summary: 'A fade centred on the clip’s start, equal-power unless a shape is written.' },
  fadeout: { syntax: 'fadeout DUR [equal|linear|s|exp]', summary: 'A fade centred on the clip’s end, equal-power unless a shape is written.' },
  equal: { syntax: 'fade DUR equal', summary: 'Equal-power fade (the default): sin and cos of π/2·u. Two uncorrelated takes crossfade at constant power; choose it for different performances.' },
  exp: { syntax: 'fade DUR exp', summary: 'A fade straight in dB over 60 dB (then to silence): slow at first for a fade-in, as a long ear-led fade-out sounds.' },
  auto: { syntax: 'trim auto LEVEL dBFS [peak|rms]', summary: 'Measures the track’s summed sources and trims them to LEVEL.' },
  peak: { syntax: 'peak', summary: '`trim auto` measures the sample peak.' },
  rms: { syntax: 'rms', summary: '`trim auto` measures the RMS level of the whole file.' },
  invert: { syntax: 'polarity invert', summary: 'Flips the sign of the signal.' },
  pre: { syntax: 'send BUS DB pre', summary: 'The send is taken before the fader and pan.' },
  bar: { syntax: 'bar N [beat B]', summary: 'Musical time: seconds = ((N-1)·beats per bar + (B-1)) · 60 / tempo. Needs `tempo`.' },
  beat: { syntax: 'bar N beat B', summary: 'Beat within the bar, from 1.' },
  ramp: { syntax: 'tempo N bpm at bar M ramp', summary: 'The tempo moves linearly (in beats) from the change before to this one, reaching it at bar M.' },
  linear: { syntax: 'TIME VALUE linear | fade DUR linear', summary: 'In a lane: the segment after this point moves in a straight line in the parameter’s own scale (dB, %, octaves for frequencies, ms) to the next point (the default). On a fade: the gain moves in a straight line, so two correlated takes (the same performance) crossfade with a flat sum.' },
  hold: { syntax: 'TIME VALUE hold', summary: 'The value stays until the next point, then steps there on the exact sample.' },
  smooth: { syntax: 'TIME VALUE smooth', summary: 'The segment after this point follows a cosine S-curve to the next point: it leaves and arrives gently.' },
  on: { syntax: 'automate mute { TIME on }', summary: 'A `mute` lane’s point that mutes the channel (over 5 ms from the point, so it does not click).' },
  off: { syntax: 'automate mute { TIME off }', summary: 'A `mute` lane’s point that unmutes the channel (over 5 ms from the point).' },
  inf: { syntax: 'ratio inf', summary: 'An infinite ratio: a limiter-like compressor.' },
  stereo: { syntax: 'output stereo', summary: 'Render two channels.' },
  mono: { syntax: 'output mono', summary: 'Render one channel: (L+R)/2 of the stereo master.' },
};

// ---- processors: docs generated from their declarations (processors/) ----------------

/** The factor from a parameter's docs unit to its base unit (`ms` → 0.001). */
function docsFactor(p: ParamDecl): number {
  if (!p.kind || !p.unit) return 1;
  return (UNIT_RULES[p.kind].units as Record<string, number | undefined>)[p.unit] ?? 1;
}

/** `-24 – +24 dB`, `0.05 – 1000 ms`, `0 – 100%`: the range in the docs unit. */
function rangeText(p: ParamDecl): string | undefined {
  if (p.docs?.range) return p.docs.range;
  if (!p.range) return undefined;
  const lo = p.range.min / docsFactor(p);
  const hi = p.range.max / docsFactor(p);
  // A sign on positive values only where the range crosses zero, so the two ends read alike.
  const n = (v: number) => `${lo < 0 && v > 0 ? '+' : ''}${showValue(v, null)}`;
  const unit = !p.unit ? '' : p.unit === '%' ? '%' : ` ${p.unit}`;
  return `${n(lo)} – ${n(hi)}${unit}`;
}

function defaultText(p: ParamDecl): string | undefined {
  if (p.docs?.default) return p.docs.default;
  return p.default === null ? undefined : showValue(p.default / docsFactor(p), p.unit);
}

/** The example with its number as the snippet's first placeholder: `threshold ${1:-18} dB`. */
function snippetOf(p: ParamDecl): string {
  if (p.syntax === 'channel') return `${p.keyword} \${1}`;
  return p.example.replace(/[+-]?\d+(?:\.\d+)?/, (n) => `\${1:${n}}`);
}

/** Without the fields that have no text, as a hand-written entry would be. */
function defined(doc: Record<string, unknown>): KeywordDoc {
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined)) as unknown as KeywordDoc;
}

function blockDocs(): Record<string, KeywordDoc> {
  return Object.fromEntries(PROCESSOR_LIST.map((p) => [p.type, { syntax: p.usage, summary: p.summary, levels: CH, snippet: p.snippet }]));
}

function bandDocs(): Record<string, KeywordDoc> {
  const out: Record<string, KeywordDoc> = {};
  for (const p of PROCESSOR_LIST) {
    if (!p.bands) continue;
    for (const b of p.bands.types) out[b.type] = defined({ syntax: b.usage, summary: b.summary, unit: b.unit, range: b.range, default: b.default, levels: [p.type], snippet: b.snippet });
    for (const c of p.bands.clauses) out[c.keyword] = defined({ syntax: c.usage, summary: c.summary, range: c.range, default: c.default });
  }
  return out;
}

/** One text when every declaration gives the same, else each processor's: "comp 100 ms, limit 50 ms". */
function perProcessor(decls: readonly { processor: ProcessorType; param: ParamDecl }[], text: (p: ParamDecl) => string | undefined): string | undefined {
  const texts = decls.map((d) => text(d.param));
  return texts.every((t) => t === texts[0]) ? texts[0] : decls.map((d, i) => `${d.processor} ${texts[i]}`).join(', ');
}

/**
 * One entry per parameter keyword. A keyword several processors declare
 * (`release`) is described by the first; ranges and defaults that differ are
 * listed per processor ("comp 100 ms, limit 50 ms").
 */
function paramDocs(): Record<string, KeywordDoc> {
  const out: Record<string, KeywordDoc> = {};
  for (const keyword of PARAM_KEYWORDS) {
    const decls = declarationsOf(keyword);
    const first = decls[0]!.param;
    out[keyword] = defined({
      syntax: first.usage,
      summary: first.summary,
      unit: first.docs?.unit ?? first.unit ?? undefined,
      range: perProcessor(decls, rangeText),
      default: perProcessor(decls, defaultText),
      levels: decls.map((d) => d.processor),
      snippet: snippetOf(first),
    });
  }
  return out;
}

/** Keywords that start a statement at `level`, in a sensible order for completion. */
export function statementKeywords(level: Level): Keyword[] {
  return (Object.entries(KEYWORD_DOCS) as [Keyword, KeywordDoc][]).filter(([, d]) => d.levels?.includes(level)).map(([k]) => k);
}
