/**
 * The preview's player (media/worklet/player.ts) driven in Node exactly as
 * the AudioWorklet drives it: 128-frame quanta into float32 outputs.
 *
 * What a producer hears while editing: the player must sound like the
 * engine's render, take an edit in without a click or a gap (the output's
 * largest step between samples during the switch is no larger than the
 * music's own), land on the new mix exactly, and jump, loop, stop and A/B
 * without clicks.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../grammar/src/index.js';
import type { MixModel } from '../../grammar/src/model.js';
import { MixGraph } from '../../engine/src/index.js';
import { AB_FADE, BLOCK, FADE, Player, RAMP, WARM } from '../../media/worklet/player.js';
import type { DecodedAudio } from '../../media/worklet/protocol.js';
import { DecodedProvider } from '../../media/worklet/sources.js';

const RATE = 48000;
const SECONDS = 2;

function sine(path: string, freq: number, amplitude: number, seconds = SECONDS, rate = RATE): DecodedAudio {
  const frames = Math.round(seconds * rate);
  const data = new Float32Array(frames);
  for (let i = 0; i < frames; i++) data[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / rate);
  return { path, sampleRate: rate, frames, channels: [data] };
}

function model(text: string): MixModel {
  const checked = check(text, { fileName: 'test.mix' });
  const errors = checked.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.message).join('; '));
  return checked.model;
}

const FILES = [sine('a.wav', 220, 0.5), sine('b.wav', 330, 0.4), sine('ref.wav', 440, 0.25)];

function session(gainA: string, extra = ''): MixModel {
  return model(`
track a {
  file "a.wav"
  eq { bell 1 kHz +3 dB q 1 }
  gain ${gainA}
}
${extra}
`);
}

let generation = 0;
function player(m: MixModel): Player {
  const p = new Player(RATE, new DecodedProvider(FILES, RATE));
  p.setSession({ model: m, autoTrims: new Map(), headGainDb: 0, generation: generation++ });
  return p;
}

/** Runs the player for `frames` frames in render quanta; returns the left side. */
function run(p: Player, frames: number, onBlock?: (at: number) => void): Float32Array {
  const left = new Float32Array(frames);
  const out = [new Float32Array(BLOCK), new Float32Array(BLOCK)];
  for (let at = 0; at < frames; at += BLOCK) {
    onBlock?.(at);
    p.render(out, BLOCK);
    left.set(out[0]!.subarray(0, Math.min(BLOCK, frames - at)), at);
  }
  return left;
}

/** The engine's own render of `m` (left side), as the CLI makes it: the graph run through its latency first. */
function engineRender(m: MixModel, frames: number): Float64Array {
  const g = new MixGraph(m, new DecodedProvider(FILES, RATE), { maxBlock: BLOCK });
  const out = [new Float64Array(BLOCK), new Float64Array(BLOCK)];
  for (let p = 0; p < g.latency; p += BLOCK) g.process(p, Math.min(BLOCK, g.latency - p), out);
  const left = new Float64Array(frames);
  for (let at = 0; at < frames; at += BLOCK) {
    g.process(at + g.latency, BLOCK, out);
    left.set(out[0]!.subarray(0, Math.min(BLOCK, frames - at)), at);
  }
  return left;
}

function maxStep(x: ArrayLike<number>, from: number, to: number): number {
  let m = 0;
  for (let i = Math.max(1, from); i < to; i++) m = Math.max(m, Math.abs(x[i]! - x[i - 1]!));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, from: number, to: number): number {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('the preview player', () => {
  it('plays the engine render sample for sample (float32) when started without a fade', () => {
    // A limiter on the master gives the graph latency to compensate.
    const m = session('-2 dB', 'master { limit { ceiling -6 dBFS } }');
    const p = player(m);
    p.play(true);
    const heard = run(p, 24_000);
    const expected = engineRender(m, 24_000);
    for (let i = 0; i < heard.length; i++) if (heard[i] !== Math.fround(expected[i]!)) throw new Error(`frame ${i}: ${heard[i]} != ${expected[i]}`);
  });

  it('fades in on play instead of starting with a step', () => {
    const p = player(session('0 dB'));
    p.play();
    const heard = run(p, 4096);
    // The first samples are attenuated by the ramp; after RAMP frames the signal is at full level.
    const expected = engineRender(session('0 dB'), 4096);
    expect(Math.abs(heard[RAMP / 2]!)).toBeLessThan(Math.abs(expected[RAMP / 2]!) * 0.6 + 1e-6);
    expect(maxAbsDiff(heard, expected, RAMP + 1, 4096)).toBeLessThan(1e-6);
  });

  /** Plays `before`, swaps in `after` at frame `editAt`, and returns what was heard with the engine's renders of both. */
  function edit(before: MixModel, after: MixModel, editAt: number, total: number) {
    const p = player(before);
    p.play(true);
    const heard = run(p, total, (at) => {
      if (at === editAt) p.setSession({ model: after, autoTrims: new Map(), headGainDb: 0, generation: generation++ });
    });
    return { heard, old: engineRender(before, total), next: engineRender(after, total) };
  }

  it('takes in a parameter edit at once, carrying the filters over: no click, then exactly the new mix', () => {
    const editAt = 8192;
    const total = editAt + FADE + 8 * BLOCK;
    const { heard, old, next } = edit(session('-12 dB'), session('0 dB'), editAt, total);
    // Until the edit, the old mix; from the end of the crossfade, exactly the new one.
    expect(maxAbsDiff(heard, old, 0, editAt)).toBeLessThan(1e-6);
    expect(maxAbsDiff(heard, next, editAt + FADE, total)).toBeLessThan(1e-6);
    // The switch is a glide: no step larger than the louder mix's own.
    const musicStep = maxStep(next, editAt, editAt + FADE);
    expect(maxStep(heard, editAt - 1, editAt + FADE + 1)).toBeLessThanOrEqual(musicStep * 1.01);
    // A switch without the fade would have stepped: the test can tell.
    const spliced = Float64Array.from(old);
    spliced.set(next.subarray(editAt), editAt);
    expect(maxStep(spliced, editAt - 1, editAt + 1)).toBeGreaterThan(musicStep * 1.5);
  });

  it('plays automation as the engine renders it, and an edit to a lane is taken in without a click', () => {
    // A fader ride and a swept band, moving while the edit comes in; the edit moves the ride's second point.
    const laned = (rideTo: string) => model(`
track a {
  file "a.wav"
  eq { bell sweep 500 Hz +6 dB q 1 }
  automate gain { 0 s -12 dB; 0.5 s ${rideTo} smooth; 1 s -6 dB }
  automate sweep.freq { 0 s 300 Hz; 1 s 3 kHz }
}
`);
    const editAt = 8192;
    const total = editAt + FADE + 8 * BLOCK;
    const { heard, old, next } = edit(laned('0 dB'), laned('-20 dB'), editAt, total);
    // Before the edit, the engine's render of the lanes; after the crossfade, exactly the edited lanes.
    expect(maxAbsDiff(heard, old, 0, editAt)).toBeLessThan(1e-6);
    expect(maxAbsDiff(heard, next, editAt + FADE, total)).toBeLessThan(1e-6);
    // The two versions differ by about 15 dB there, yet the switch glides: no step beyond the music's own.
    const musicStep = Math.max(maxStep(old, editAt, editAt + FADE), maxStep(next, editAt, editAt + FADE));
    expect(maxStep(heard, editAt - 1, editAt + FADE + 1)).toBeLessThanOrEqual(musicStep * 1.01);
    const spliced = Float64Array.from(old);
    spliced.set(next.subarray(editAt), editAt);
    expect(maxStep(spliced, editAt - 1, editAt + 1)).toBeGreaterThan(musicStep * 1.5);
  });

  it("carries a compressor's envelope over an edit, so its gain reduction does not restart", () => {
    const comp = (gain: string) => model(`
track a {
  file "a.wav"
  comp { threshold -30 dB ratio 4:1 attack 20 ms release 300 ms }
  gain ${gain}
}
`);
    const editAt = 188 * BLOCK; // half a second in, on a block boundary
    const total = editAt + FADE + 4096;
    // The fader comes after the compressor: the new mix is the old one 6 dB up, envelope and all.
    const { heard, next } = edit(comp('-6 dB'), comp('0 dB'), editAt, total);
    expect(maxAbsDiff(heard, next, editAt + FADE, total)).toBeLessThan(1e-6);
    // A compressor starting afresh at the edit would let 20 ms of uncompressed signal through, about 18 dB louder.
    let peak = 0;
    for (let i = editAt; i < editAt + 960; i++) peak = Math.max(peak, Math.abs(heard[i]!));
    let steady = 0;
    for (let i = total - 2048; i < total; i++) steady = Math.max(steady, Math.abs(next[i]!));
    expect(peak).toBeLessThan(steady * 1.05);
  });

  it('takes in a structural edit (a new track) without stopping or a gap', () => {
    const editAt = 4096;
    const total = editAt + FADE + 4096;
    const { heard, old, next } = edit(session('0 dB'), session('0 dB', 'track b { file "b.wav" }'), editAt, total);
    expect(maxAbsDiff(heard, old, 0, editAt)).toBeLessThan(1e-6);
    expect(maxAbsDiff(heard, next, editAt + FADE, total)).toBeLessThan(1e-6);
    expect(maxStep(heard, editAt, editAt + FADE)).toBeLessThanOrEqual(maxStep(next, editAt, editAt + FADE) * 1.01);
  });

  it('lets a graph whose filters start afresh (a band added) settle unheard before fading it in', () => {
    const before = session('0 dB');
    const after = model(`
track a {
  file "a.wav"
  eq { bell 1 kHz +3 dB q 1
       highpass 100 Hz }
  gain 0 dB
}
`);
    const editAt = 4096;
    const fadeStart = editAt + WARM;
    const total = fadeStart + FADE + 4096;
    const { heard, old, next } = edit(before, after, editAt, total);
    expect(maxAbsDiff(heard, old, 0, fadeStart)).toBeLessThan(1e-6);
    // Settled on the same music, the new filters have forgotten their start: the new mix exactly.
    expect(maxAbsDiff(heard, next, fadeStart + FADE, total)).toBeLessThan(1e-5);
    expect(maxStep(heard, fadeStart, fadeStart + FADE)).toBeLessThanOrEqual(Math.max(maxStep(next, fadeStart, fadeStart + FADE), maxStep(old, fadeStart, fadeStart + FADE)) * 1.01);
  });

  describe('frozen groups', () => {
    // Two tracks with compressors into the master, a limiter after: one summing group of two.
    const frozenSession = (gainB: string) => model(`
track a {
  file "a.wav"
  comp { threshold -24 dB ratio 4:1 release 200 ms }
}
track b {
  file "b.wav"
  eq { bell 2 kHz +4 dB q 1 }
  comp { threshold -20 dB ratio 3:1 }
  gain ${gainB}
}
master { limit { ceiling -6 dBFS } }
`);
    /** The group stems of `m` (the engine's render from frame 0, as the extension writes them) and how to name them. */
    function stemsOf(m: MixModel): { files: DecodedAudio[]; frozen: { signature: string; path: string }[] } {
      const frames = SECONDS * RATE + 2048;
      const sums = new Map<string, { signature: string; channels: Float64Array[] }>();
      const g = new MixGraph(m, new DecodedProvider(FILES, RATE), {
        maxBlock: BLOCK,
        onGroup: (group, sum, p, n) => {
          let stem = sums.get(group.key);
          if (!stem) sums.set(group.key, (stem = { signature: group.signature, channels: [new Float64Array(frames), new Float64Array(frames)] }));
          for (let c = 0; c < 2; c++) stem.channels[c]!.set(sum[c]!.subarray(0, n), p);
        },
      });
      const out = [new Float64Array(BLOCK), new Float64Array(BLOCK)];
      for (let p = 0; p + BLOCK <= frames; p += BLOCK) g.process(p, BLOCK, out);
      const list = [...sums.values()];
      return {
        files: list.map((x, i) => ({ path: `stem${i}.wav`, sampleRate: RATE, frames, channels: x.channels })),
        frozen: list.map((x, i) => ({ signature: x.signature, path: `stem${i}.wav` })),
      };
    }

    it('switches a playing session to its frozen stems without one sample changing', () => {
      const m = frozenSession('-3 dB');
      const stems = stemsOf(m);
      expect(stems.frozen).toHaveLength(1);
      const p = new Player(RATE, new DecodedProvider([...FILES, ...stems.files], RATE));
      p.setSession({ model: m, autoTrims: new Map(), headGainDb: 0, generation: generation++ });
      p.play(true);
      const switchAt = 40 * BLOCK;
      const total = switchAt + FADE + 8192;
      const heard = run(p, total, (at) => {
        if (at === switchAt) p.setSession({ model: m, autoTrims: new Map(), headGainDb: 0, generation: generation++, frozen: stems.frozen });
      });
      expect(p.frozenGroups).toBe(1);
      const expected = engineRender(m, total);
      let differing = 0;
      for (let i = 0; i < total; i++) if (heard[i] !== Math.fround(expected[i]!)) differing++;
      expect(differing).toBe(0);
    });

    it('makes a frozen group live for an edit to one of its tracks: settled unheard, crossfaded, no click', () => {
      const before = frozenSession('-3 dB');
      const after = frozenSession('-9 dB');
      const stems = stemsOf(before);
      const p = new Player(RATE, new DecodedProvider([...FILES, ...stems.files], RATE));
      p.setSession({ model: before, autoTrims: new Map(), headGainDb: 0, generation: generation++, frozen: stems.frozen });
      p.play(true);
      const editAt = 60 * BLOCK;
      // The group's tracks did not run while frozen: they start afresh and settle unheard first.
      const fadeStart = editAt + WARM;
      const total = fadeStart + FADE + 24_000;
      const heard = run(p, total, (at) => {
        if (at === editAt) p.setSession({ model: after, autoTrims: new Map(), headGainDb: 0, generation: generation++, frozen: stems.frozen });
      });
      expect(p.frozenGroups).toBe(0);
      const old = engineRender(before, total);
      const next = engineRender(after, total);
      expect(maxAbsDiff(heard, old, 0, fadeStart)).toBeLessThan(1e-6);
      // The same criterion as a live edit: no step larger than the music's own.
      expect(maxStep(heard, fadeStart - 1, fadeStart + FADE + 1)).toBeLessThanOrEqual(Math.max(maxStep(next, fadeStart, fadeStart + FADE), maxStep(old, fadeStart, fadeStart + FADE)) * 1.01);
      // Then the new mix: the compressors' envelopes, started afresh at the edit, have caught up.
      expect(maxAbsDiff(heard, next, total - 4096, total)).toBeLessThan(1e-4);
    });

    it('runs a warm frozen group unheard, and an edit to it is heard at once, without a click', () => {
      const before = frozenSession('-3 dB');
      const after = frozenSession('-9 dB');
      const stems = stemsOf(before);
      const p = new Player(RATE, new DecodedProvider([...FILES, ...stems.files], RATE));
      p.setSession({ model: before, autoTrims: new Map(), headGainDb: 0, generation: generation++, frozen: stems.frozen });
      p.play(true);
      // The cursor comes into the group's block; the edit follows about half a second later.
      const warmAt = 10 * BLOCK;
      const editAt = 200 * BLOCK;
      const total = editAt + FADE + 8192;
      const edited = generation++;
      let heardAfterEdit = -1;
      const heard = run(p, total, (at) => {
        if (at === warmAt) p.setWarm(new Set(stems.frozen.map((f) => f.signature)));
        if (at === editAt) p.setSession({ model: after, autoTrims: new Map(), headGainDb: 0, generation: edited, frozen: stems.frozen });
        if (at === editAt + BLOCK) heardAfterEdit = p.heardGeneration;
      });
      // Running unheard changes nothing heard: the stem still plays, sample for sample.
      const old = engineRender(before, total);
      let differing = 0;
      for (let i = 0; i < editAt; i++) if (heard[i] !== Math.fround(old[i]!)) differing++;
      expect(differing).toBe(0);
      // The tracks' state carried over: the crossfade starts with the edit, not a settling run later.
      expect(heardAfterEdit).toBe(edited);
      expect(p.frozenGroups).toBe(0);
      const next = engineRender(after, total);
      expect(maxStep(heard, editAt - 1, editAt + FADE + 1)).toBeLessThanOrEqual(Math.max(maxStep(next, editAt, editAt + FADE), maxStep(old, editAt, editAt + FADE)) * 1.01);
      expect(maxAbsDiff(heard, next, editAt + FADE, total)).toBeLessThan(1e-4);
    });
  });

  it('queues an edit that arrives mid-crossfade and plays the last edit in the end', () => {
    const p = player(session('-12 dB'));
    p.play(true);
    const total = 4096 + 2 * FADE + 4096;
    const last = session('-3 dB');
    const heard = run(p, total, (at) => {
      if (at === 4096) p.setSession({ model: session('-6 dB'), autoTrims: new Map(), headGainDb: 0, generation: generation++ });
      // The first edit is crossfading now: this one waits for it.
      if (at === 4096 + 2 * BLOCK) p.setSession({ model: last, autoTrims: new Map(), headGainDb: 0, generation: generation++ });
    });
    expect(maxAbsDiff(heard, engineRender(last, total), total - 2048, total)).toBeLessThan(1e-6);
  });

  it('keeps the playing mix when an edit names a file it does not have', () => {
    const m = session('0 dB');
    const p = player(m);
    p.play(true);
    run(p, 1024);
    const broken = model('track a { file "missing.wav" }');
    expect(() => p.setSession({ model: broken, autoTrims: new Map(), headGainDb: 0, generation: generation++ })).toThrow(/missing\.wav/);
    const heard = run(p, 2048);
    expect(maxAbsDiff(heard, engineRender(m, 3072).subarray(1024), 0, 2048)).toBeLessThan(1e-6);
  });

  it('refuses at once, without stopping, an edit that arrives mid-crossfade and cannot be built', () => {
    const p = player(session('0 dB'));
    p.play(true);
    const total = 4096 + 2 * FADE + 2048;
    const next = session('-3 dB');
    let refused: unknown = null;
    const heard = run(p, total, (at) => {
      if (at === 4096) p.setSession({ model: next, autoTrims: new Map(), headGainDb: 0, generation: generation++ });
      if (at === 4096 + BLOCK) {
        try {
          p.setSession({ model: model('track a { file "gone.wav" }'), autoTrims: new Map(), headGainDb: 0, generation: generation++ });
        } catch (err) {
          refused = err;
        }
      }
    });
    expect(String(refused)).toMatch(/gone\.wav/);
    expect(p.isRunning).toBe(true);
    expect(maxAbsDiff(heard, engineRender(next, total), total - 2048, total)).toBeLessThan(1e-6);
  });

  it('lets a new channel with processors settle unheard before fading it in', () => {
    const editAt = 4096;
    const fadeStart = editAt + WARM;
    const total = fadeStart + FADE + 2048;
    const { heard, old } = edit(session('0 dB'), session('0 dB', 'track b {\n  file "b.wav"\n  comp { threshold -30 dB }\n}'), editAt, total);
    expect(maxAbsDiff(heard, old, 0, fadeStart)).toBeLessThan(1e-6);
  });

  it('after a jump plays nothing of the old position, even through a long look-ahead', () => {
    // One second of tone, then silence; a 10 ms look-ahead limiter (480 frames of latency) on the master.
    const frames = 2 * RATE;
    const data = new Float32Array(frames);
    for (let i = 0; i < RATE; i++) data[i] = 0.5 * Math.sin((2 * Math.PI * 220 * i) / RATE);
    const p = new Player(RATE, new DecodedProvider([{ path: 'half.wav', sampleRate: RATE, frames, channels: [data] }], RATE));
    const m = model('track a { file "half.wav" }\nmaster { limit { ceiling -1 dBFS lookahead 10 ms } }');
    p.setSession({ model: m, autoTrims: new Map(), headGainDb: 0, generation: generation++ });
    p.play(true);
    run(p, 24_064);
    p.seek(RATE + 24_000); // into the silence
    const heard = run(p, 8192);
    let after = 0;
    for (let i = 2 * RAMP; i < heard.length; i++) after = Math.max(after, Math.abs(heard[i]!));
    expect(after).toBe(0);
  });

  it('seeks while playing with a fade out and in, landing on the asked frame', () => {
    const m = session('0 dB');
    const p = player(m);
    p.play(true);
    run(p, 4096);
    p.seek(48_000);
    const heard = run(p, 4096);
    expect(maxStep(heard, 0, 4096)).toBeLessThanOrEqual(maxStep(engineRender(m, 60_000), 0, 60_000) * 1.01);
    // After the fade out (RAMP frames, rounded up to whole quanta) the timeline restarts at 48000.
    expect(p.position).toBe(48_000 + 4096 - Math.ceil(RAMP / BLOCK) * BLOCK);
  });

  it('starts a loop set behind the playhead at its beginning, and loops it', () => {
    const p = player(session('0 dB'));
    p.seek(60_000);
    p.play(true);
    run(p, 2048);
    p.setLoop({ from: 1000, to: 20_000 });
    const positions: number[] = [];
    run(p, 60_000, () => positions.push(p.position));
    expect(Math.max(...positions.slice(10))).toBeLessThanOrEqual(20_000);
    expect(Math.min(...positions.slice(10))).toBeGreaterThanOrEqual(1000);
  });

  it('loops a span: the position wraps from its end to its start', () => {
    const p = player(session('0 dB'));
    p.setLoop({ from: 10_000, to: 20_000 });
    p.seek(15_000);
    p.play(true);
    const positions: number[] = [];
    run(p, 30_000, () => positions.push(p.position));
    expect(Math.max(...positions)).toBeLessThanOrEqual(20_000);
    expect(positions.filter((x, i) => i > 0 && x < positions[i - 1]!).length).toBeGreaterThanOrEqual(2);
    expect(Math.min(...positions.slice(50))).toBeGreaterThanOrEqual(10_000);
  });

  it('stops at the end of the session and rewinds, saying so once', () => {
    const p = player(session('0 dB'));
    p.seek(RATE * SECONDS - 1000);
    p.play(true);
    run(p, 4096);
    const snap = p.snapshot();
    expect(snap.running).toBe(false);
    expect(snap.ended).toBe(true);
    expect(snap.position).toBe(0);
    expect(p.snapshot().ended).toBe(false);
  });

  it('switches to a reference, at its matching gain, and back', () => {
    const m = session('0 dB');
    const p = player(m);
    p.play(true);
    run(p, 2048);
    const provider = new DecodedProvider(FILES, RATE);
    p.listenTo({ name: 'pro', source: provider.open('ref.wav'), gainDb: -6 });
    const heard = run(p, 4096);
    const ref = FILES[2]!.channels[0]!;
    const g = Math.pow(10, -6 / 20);
    let worst = 0;
    for (let i = AB_FADE; i < 4096; i++) worst = Math.max(worst, Math.abs(heard[i]! - ref[2048 + i]! * g));
    expect(worst).toBeLessThan(1e-6);
    expect(p.snapshot().listening).toBe('pro');
    p.listenTo(null);
    const back = run(p, 4096);
    const mix = engineRender(m, 2048 + 8192);
    expect(maxAbsDiff(back, mix.subarray(6144), AB_FADE, 4096)).toBeLessThan(1e-6);
  });

  it('meters each strip after its fader, its gain reduction, and the loudness of what is heard', () => {
    const m = model(`
track a {
  file "a.wav"
  comp { threshold -30 dB ratio 4:1 attack 1 ms release 50 ms }
  gain -6 dB
}
`);
    const p = player(m);
    p.play(true);
    // Past the onset (where the compressor is still attacking), then half a second of steady state.
    run(p, RATE / 2);
    p.snapshot();
    run(p, RATE / 2);
    const snap = p.snapshot();
    const a = m.channels.findIndex((c) => c.name === 'a');
    const master = m.channels.findIndex((c) => c.kind === 'master');
    // The sine peaks at 0.5 (-6 dBFS); the static curve takes (1 - 1/4)·(−6 + 30) = 18 dB off at its
    // peaks (less between them, with a 50 ms release); the fader 6 dB more: about -30 dBFS.
    expect(snap.gainReduction[a]).toBeGreaterThan(15);
    expect(snap.gainReduction[a]).toBeLessThan(19);
    expect(snap.gainReduction[master]).toBe(0);
    const peakDb = 20 * Math.log10(snap.peaks[2 * a]!);
    expect(peakDb).toBeGreaterThan(-33);
    expect(peakDb).toBeLessThan(-27);
    expect(snap.outputPeakL).toBeCloseTo(snap.peaks[2 * master]!, 6);
    expect(Number.isFinite(snap.momentaryLufs)).toBe(true);
    // Peaks start again after a snapshot.
    expect(p.snapshot().peaks[2 * a]).toBe(0);
  });
});
