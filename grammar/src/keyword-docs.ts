/**
 * What each keyword means, for hover and completion. Kept beside the grammar
 * so the editor and docs/language.md say the same thing.
 */
import type { Keyword } from './tokens.js';

/** Where a statement keyword may start a statement. */
export type Level = 'top' | 'channel' | 'eq' | 'comp' | 'limit';

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
  tempo: { syntax: 'tempo N [bpm]', summary: 'Beats per minute; needed for `bar` times. Constant for the whole song.', unit: 'bpm (may be left out)', range: '20 – 400 bpm', default: 'none: `bar` times are then errors', levels: ['top'], snippet: 'tempo ${1:120} bpm' },
  meter: { syntax: 'meter A/B', summary: 'Time signature, used to turn `bar N beat B` into seconds.', default: '4/4', levels: ['top'], snippet: 'meter ${1:4}/${2:4}' },
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
  cut: { syntax: 'cut T to T', summary: 'Silences a span of the timeline, with 5 ms fades at both edges.', levels: CH, snippet: 'cut ${1:1:00} to ${2:1:02}' },
  trim: { syntax: 'trim DB | trim auto LEVEL dBFS [peak|rms]', summary: 'Gain staging before the inserts. `auto` scales the summed sources so their peak (or whole-file RMS) reads LEVEL.', unit: 'dB; dBFS for auto', range: '-inf – +48 dB; auto: -60 – 0 dBFS', default: '0 dB; auto measures peak', levels: CH, snippet: 'trim ${1:-3} dB' },
  gain: { syntax: 'gain DB', summary: 'The fader, after the inserts.', unit: 'dB', range: '-inf – +24 dB', default: '0 dB', levels: CH, snippet: 'gain ${1:0} dB' },
  pan: { syntax: 'pan PCT', summary: 'Position from -100% (left) to +100% (right). Mono sources: constant power, -3 dB at centre. Stereo sources: balance.', unit: '%', range: '-100% – +100%', default: '0%', levels: CH, snippet: 'pan ${1:0}%' },
  polarity: { syntax: 'polarity invert', summary: 'Flips the sign of the signal.', default: 'off', levels: CH, snippet: 'polarity invert' },
  to: { syntax: 'to BUS', summary: 'Where the channel’s output goes: a bus or master. Routing must not go round in a circle.', default: 'master', levels: CH, snippet: 'to ${1:master}' },
  send: { syntax: 'send BUS DB [pre]', summary: 'Sends a copy to a bus: post-fader and post-pan, or before the fader with `pre`.', unit: 'dB', range: '-inf – +24 dB', levels: CH, snippet: 'send ${1:bus} ${2:-12} dB' },
  eq: { syntax: 'eq { BANDS }', summary: 'Biquad EQ bands in written order (RBJ Audio EQ Cookbook).', levels: CH, snippet: 'eq {\n\t${1:bell} ${2:1000} Hz ${3:-3} dB\n}' },
  comp: { syntax: 'comp { SETTINGS }', summary: 'Feed-forward, log-domain, stereo-linked compressor (Giannoulis, Massberg & Reiss 2012).', levels: CH, snippet: 'comp {\n\tthreshold ${1:-18} dB\n\tratio ${2:4}:1\n}' },
  limit: { syntax: 'limit { SETTINGS }', summary: 'Lookahead brickwall limiter: no output sample above the ceiling; with dBTP the true peak stays within ceiling + 0.1 dB.', levels: CH, snippet: 'limit {\n\tceiling ${1:-1} dBTP\n}' },
  target: { syntax: 'target L LUFS', summary: 'Master only: the render’s gain is adjusted until its integrated loudness is within 0.1 LU of L.', unit: 'LUFS', range: '-60 – 0 LUFS', levels: CH, snippet: 'target ${1:-14} LUFS' },
  bypass: { syntax: 'bypass', summary: 'Switches the block off without deleting its settings.', levels: ['eq', 'comp', 'limit'] },
  highpass: { syntax: 'highpass F [slope S dB/oct] [q Q]', summary: 'Removes content below F. Slope 6 is one-pole; 12 is a biquad (with q); steeper slopes are Butterworth cascades.', unit: 'Hz', range: 'F 10 Hz – 0.49 × samplerate; slope 6, 12, 18, 24, 36, 48', default: 'slope 12 dB/oct, q 0.7071', levels: ['eq'], snippet: 'highpass ${1:80} Hz' },
  lowpass: { syntax: 'lowpass F [slope S dB/oct] [q Q]', summary: 'Removes content above F.', unit: 'Hz', range: 'F 10 Hz – 0.49 × samplerate; slope 6, 12, 18, 24, 36, 48', default: 'slope 12 dB/oct, q 0.7071', levels: ['eq'], snippet: 'lowpass ${1:12} kHz' },
  lowshelf: { syntax: 'lowshelf F G [q Q]', summary: 'Raises or lowers everything below F by G (RBJ shelf, Q form).', unit: 'Hz, dB', range: 'G -30 – +30 dB; q 0.1 – 40', default: 'q 0.7071', levels: ['eq'], snippet: 'lowshelf ${1:100} Hz ${2:+1} dB' },
  highshelf: { syntax: 'highshelf F G [q Q]', summary: 'Raises or lowers everything above F by G (RBJ shelf, Q form).', unit: 'Hz, dB', range: 'G -30 – +30 dB; q 0.1 – 40', default: 'q 0.7071', levels: ['eq'], snippet: 'highshelf ${1:10} kHz ${2:+2} dB' },
  bell: { syntax: 'bell F G [q Q]', summary: 'A peak or dip of G at F (RBJ peakingEQ).', unit: 'Hz, dB', range: 'G -30 – +30 dB; q 0.1 – 40', default: 'q 1', levels: ['eq'], snippet: 'bell ${1:1000} Hz ${2:-3} dB q ${3:1}' },
  notch: { syntax: 'notch F [q Q]', summary: 'A deep, narrow cut at F (RBJ notch).', unit: 'Hz', default: 'q 10', levels: ['eq'], snippet: 'notch ${1:60} Hz' },
  bandpass: { syntax: 'bandpass F [q Q]', summary: 'Keeps a band around F (RBJ band-pass, 0 dB peak).', unit: 'Hz', default: 'q 1', levels: ['eq'], snippet: 'bandpass ${1:1} kHz' },
  slope: { syntax: 'slope S dB/oct', summary: 'Steepness of a highpass or lowpass.', range: '6, 12, 18, 24, 36, 48 dB/oct', default: '12 dB/oct' },
  q: { syntax: 'q Q', summary: 'Bandwidth of a band: higher is narrower.', range: '0.1 – 40' },
  threshold: { syntax: 'threshold DB', summary: 'Level above which the compressor reduces gain.', unit: 'dB', range: '-60 – 0 dB', default: '-20 dB', levels: ['comp'], snippet: 'threshold ${1:-18} dB' },
  ratio: { syntax: 'ratio R[:1] | ratio inf', summary: 'Input dB above threshold per output dB.', range: '1 – 100, or inf', default: '4:1', levels: ['comp'], snippet: 'ratio ${1:4}:1' },
  knee: { syntax: 'knee DB', summary: 'Width of the soft knee around the threshold.', unit: 'dB', range: '0 – 24 dB', default: '6 dB', levels: ['comp'], snippet: 'knee ${1:6} dB' },
  attack: { syntax: 'attack DUR', summary: 'Time constant of the gain reduction rising.', unit: 'ms or s', range: '0.05 – 1000 ms', default: '10 ms', levels: ['comp'], snippet: 'attack ${1:10} ms' },
  release: { syntax: 'release DUR', summary: 'Time constant of the gain reduction falling back.', unit: 'ms or s', range: '1 – 5000 ms', default: 'comp 100 ms, limit 50 ms', levels: ['comp', 'limit'], snippet: 'release ${1:100} ms' },
  makeup: { syntax: 'makeup DB', summary: 'Gain after compression.', unit: 'dB', range: '-24 – +24 dB', default: '0 dB', levels: ['comp'], snippet: 'makeup ${1:3} dB' },
  mix: { syntax: 'mix PCT', summary: 'Parallel compression: how much of the compressed signal is mixed with the dry one.', unit: '%', range: '0 – 100%', default: '100%', levels: ['comp'], snippet: 'mix ${1:50}%' },
  sidechain: { syntax: 'sidechain CHANNEL', summary: 'Keys the detector from another channel, taken after its inserts and before its fader.', default: 'the channel itself', levels: ['comp'], snippet: 'sidechain ${1}' },
  ceiling: { syntax: 'ceiling DB dBFS|dBTP', summary: 'The limiter’s ceiling: sample peak (dBFS) or true peak, 4× oversampled (dBTP).', unit: 'dBFS or dBTP', range: '-20 – 0', default: '-1 dBTP', levels: ['limit'], snippet: 'ceiling ${1:-1} dBTP' },
  lookahead: { syntax: 'lookahead DUR', summary: 'How far ahead the limiter looks; the delay it adds is compensated.', unit: 'ms', range: '0.5 – 10 ms', default: '1.5 ms', levels: ['limit'], snippet: 'lookahead ${1:1.5} ms' },
  at: { syntax: 'at TIME', summary: 'Where the clip’s file starts on the timeline.', default: '0' },
  from: { syntax: 'from TIME', summary: 'Timeline position where the clip starts playing.', default: 'the clip’s start' },
  fade: { syntax: 'fade DUR', summary: 'Equal-power fades, centred on both edges of the clip.', default: '5 ms at edges cut inside the audio' },
  fadein: { syntax: 'fadein DUR', summary: 'Equal-power fade centred on the clip’s start.' },
  fadeout: { syntax: 'fadeout DUR', summary: 'Equal-power fade centred on the clip’s end.' },
  auto: { syntax: 'trim auto LEVEL dBFS [peak|rms]', summary: 'Measures the track’s summed sources and trims them to LEVEL.' },
  peak: { syntax: 'peak', summary: '`trim auto` measures the sample peak.' },
  rms: { syntax: 'rms', summary: '`trim auto` measures the RMS level of the whole file.' },
  invert: { syntax: 'polarity invert', summary: 'Flips the sign of the signal.' },
  pre: { syntax: 'send BUS DB pre', summary: 'The send is taken before the fader and pan.' },
  bar: { syntax: 'bar N [beat B]', summary: 'Musical time: seconds = ((N-1)·beats per bar + (B-1)) · 60 / tempo. Needs `tempo`.' },
  beat: { syntax: 'bar N beat B', summary: 'Beat within the bar, from 1.' },
  inf: { syntax: 'ratio inf', summary: 'An infinite ratio: a limiter-like compressor.' },
  stereo: { syntax: 'output stereo', summary: 'Render two channels.' },
  mono: { syntax: 'output mono', summary: 'Render one channel: (L+R)/2 of the stereo master.' },
};

/** Keywords that start a statement at `level`, in a sensible order for completion. */
export function statementKeywords(level: Level): Keyword[] {
  return (Object.entries(KEYWORD_DOCS) as [Keyword, KeywordDoc][]).filter(([, d]) => d.levels?.includes(level)).map(([k]) => k);
}
