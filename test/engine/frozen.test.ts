/**
 * Summing groups and frozen playback (engine/src/render/graph.ts): what
 * independent tracks send to a bus is summed in groups first, a group's sum
 * can be taken out as a stem (`onGroup`), and a graph that plays a group
 * from that stem (`frozen`) instead of running its tracks gives the same
 * output, bit for bit: the stem holds the very numbers the bus would have
 * received. The session has more tracks than a group holds, buses with
 * processors, pre- and post-fader sends, a side-chained track (which stays
 * out of groups) and a limiter's latency on the master.
 */
import { describe, expect, it } from 'vitest';
import { MixGraph, SUMMING_GROUP_SIZE, type AudioSource, type GraphOptions } from '../../engine/src/index.js';
import type { MixModel } from '../../grammar/src/model.js';
import { memoryProvider, noise, modelOf } from './fixtures.js';

const RATE = 48000;
const FRAMES = 24_000;
const BLOCK = 128;
const TRACKS = SUMMING_GROUP_SIZE + 6;

const files: Record<string, Float64Array[]> = {};
for (let t = 0; t < TRACKS; t++) files[`t${t}.wav`] = [noise(FRAMES, 100 + t, 0.2), noise(FRAMES, 200 + t, 0.2)];
files['kick.wav'] = [noise(FRAMES, 7, 0.5)];

function session(edit: (t: number) => string = () => '', fader: (t: number) => string = (t) => `${-10 - (t % 5)} dB`, sends: (t: number) => boolean = () => true): MixModel {
  let text = `samplerate ${RATE} Hz\n`;
  text += `track kick {\n  file "kick.wav"\n  to drums\n}\n`;
  for (let t = 0; t < TRACKS; t++) {
    text += `track t${t} {\n  file "t${t}.wav"\n  eq { bell ${500 + 40 * t} Hz -3 dB q 1 }\n  comp { threshold -24 dB ratio 3:1 }\n`;
    text += `  gain ${fader(t)}\n  pan ${((t % 7) - 3) * 10}%\n`;
    if (t % 4 === 0 && sends(t)) text += `  send verb -12 dB\n`;
    if (t % 6 === 1 && sends(t)) text += `  send verb -18 dB pre\n`;
    if (t < 3) text += `  to drums\n`;
    text += edit(t) + `}\n`;
  }
  // A side-chained track: ducked by the kick, so it runs live whatever is frozen.
  text += `track bass {\n  file "t0.wav"\n  comp { threshold -30 dB ratio 4:1 sidechain kick }\n}\n`;
  text += `bus drums {\n  comp { threshold -18 dB ratio 2:1 }\n}\n`;
  text += `bus verb {\n  eq { lowshelf 200 Hz -6 dB }\n}\n`;
  text += `master {\n  limit { ceiling -1 dBTP }\n}\n`;
  return modelOf(text);
}

/** A stereo stem in memory, as a group's frozen audio: its frame p is the group's sum at graph position p. */
function stemSource(channels: readonly Float64Array[]): AudioSource {
  return {
    channels: 2,
    frames: channels[0]!.length,
    read(start, count, out, offset) {
      for (let c = 0; c < 2; c++) {
        for (let i = 0; i < count; i++) {
          const f = start + i;
          out[c]![offset + i] = f >= 0 && f < channels[c]!.length ? channels[c]![f]! : 0;
        }
      }
    },
  };
}

/** Renders `frames` frames of graph positions from 0 in blocks; the output and each group's sum, by key. */
function render(model: MixModel, options: GraphOptions = {}) {
  const stems = new Map<string, Float64Array[]>();
  const graph = new MixGraph(model, memoryProvider(files), {
    maxBlock: BLOCK,
    ...options,
    onGroup: (g, sum, p, n) => {
      let stem = stems.get(g.key);
      if (!stem) stems.set(g.key, (stem = [new Float64Array(FRAMES), new Float64Array(FRAMES)]));
      for (let c = 0; c < 2; c++) stem[c]!.set(sum[c]!.subarray(0, n), p);
    },
  });
  const out = [new Float64Array(FRAMES), new Float64Array(FRAMES)];
  const block = [new Float64Array(BLOCK), new Float64Array(BLOCK)];
  // Blocks of varying size, as the CLI (large) and the worklet (128) differ.
  for (let p = 0, k = 0; p < FRAMES; k++) {
    const n = Math.min(FRAMES - p, [128, 37, 128, 91][k % 4]!);
    graph.process(p, n, block);
    for (let c = 0; c < 2; c++) out[c]!.set(block[c]!.subarray(0, n), p);
    p += n;
  }
  return { graph, out, stems };
}

function identical(a: readonly Float64Array[], b: readonly Float64Array[]): boolean {
  return a.every((x, c) => x.every((v, i) => Object.is(v, b[c]![i])));
}

describe('summing groups and frozen groups', () => {
  const live = render(session());

  it('sums the independent tracks into each bus in groups of at most SUMMING_GROUP_SIZE, leaving side-chained tracks out', () => {
    const groups = live.graph.groups;
    const into = (bus: string) => groups.filter((g) => g.bus === bus);
    // master: t3 … t(TRACKS-1) are routed there: more than a group holds, so two groups.
    expect(into('master').map((g) => g.members.length)).toEqual([SUMMING_GROUP_SIZE, TRACKS - 3 - SUMMING_GROUP_SIZE]);
    expect(into('drums').flatMap((g) => g.members)).toEqual(['t0', 't1', 't2']);
    expect(into('verb').flatMap((g) => g.members)).toEqual([...Array(TRACKS).keys()].filter((t) => t % 4 === 0 || t % 6 === 1).map((t) => `t${t}`));
    const grouped = new Set(groups.flatMap((g) => g.members));
    expect(grouped.has('kick')).toBe(false);
    expect(grouped.has('bass')).toBe(false);
    expect(new Set(groups.map((g) => g.key)).size).toBe(groups.length);
  });

  it('plays every group from its stem bit for bit as it runs live, and then runs none of their tracks', () => {
    const frozen = render(session(), { frozen: (g) => stemSource(live.stems.get(g.key)!) });
    expect(identical(frozen.out, live.out)).toBe(true);
    const running = frozen.graph.strips.filter((s) => frozen.graph.runs(s)).map((s) => s.name);
    expect(running.sort()).toEqual(['bass', 'drums', 'kick', 'master', 'verb']);
    // The render is not silent, and a wrong stem would be heard: the test can fail.
    expect(Math.max(...live.out[0]!.map(Math.abs))).toBeGreaterThan(0.05);
    const wrong = render(session(), { frozen: (g) => stemSource(live.stems.get(g.key === 'master/1' ? 'master/2' : g.key)!) });
    expect(identical(wrong.out, live.out)).toBe(false);
  });

  it('mixes frozen and live groups bit for bit; a track feeding a live group runs', () => {
    const frozenKeys = new Set(['master/2', 'drums/1']);
    const partly = render(session(), { frozen: (g) => (frozenKeys.has(g.key) ? stemSource(live.stems.get(g.key)!) : null) });
    expect(identical(partly.out, live.out)).toBe(true);
    // t4 feeds master/1 (live) and verb (live): it runs. t21 feeds master/2 only: it does not.
    const runs = (name: string) => partly.graph.runs(partly.graph.strip(name)!);
    expect(runs('t4')).toBe(true);
    expect(runs(`t${TRACKS - 1}`)).toBe(TRACKS - 1 < 3 || (TRACKS - 1) % 4 === 0 || (TRACKS - 1) % 6 === 1);
    expect(runs('t1')).toBe(true); // drums/1 is frozen, but t1 also sends to verb
    expect(runs('t2')).toBe(false);
  });

  it('in the preview, runs none of the tracks of a group that is all muted, and mixes the same as with their faders closed', () => {
    // master/2: the tracks from t19 on (routed to master, after master/1's sixteen), here without sends,
    // so that a closed fader silences all they pass on, as a mute does.
    const second = live.graph.groups.find((g) => g.key === 'master/2')!.members;
    const inSecond = (t: number) => second.includes(`t${t}`);
    const noSends = (t: number) => !inSecond(t);
    const fader = (t: number) => `${-10 - (t % 5)} dB`;
    const muted = render(session((t) => (inSecond(t) ? '  mute\n' : ''), fader, noSends), { skipSilentGroups: true });
    const closed = render(session(undefined, (t) => (inSecond(t) ? '-inf dB' : fader(t)), noSends), { skipSilentGroups: true });
    // A render (no skipSilentGroups) runs them: its stems and channel meters take every track.
    const rendered = render(session((t) => (inSecond(t) ? '  mute\n' : ''), fader, noSends));
    for (const name of second) {
      expect(muted.graph.runs(muted.graph.strip(name)!)).toBe(false);
      expect(closed.graph.runs(closed.graph.strip(name)!)).toBe(true);
      expect(rendered.graph.runs(rendered.graph.strip(name)!)).toBe(true);
    }
    expect(rendered.out.every((side, c) => side.every((v, i) => v === muted.out[c]![i]))).toBe(true);
    expect(muted.out.every((side, c) => side.every((v, i) => v === closed.out[c]![i]))).toBe(true);
    expect(muted.out.some((side, c) => side.some((v, i) => v !== live.out[c]![i]))).toBe(true);
  });

  it("changes the signature of exactly the groups an edit touches: a track's trim, its mute, a solo elsewhere, its file", () => {
    const signatures = (m: MixModel, options: GraphOptions = {}) => new Map(new MixGraph(m, memoryProvider(files), options).groups.map((g) => [g.key, g.signature]));
    const before = signatures(session());
    const changed = (after: Map<string, string>) => [...before].filter(([k, s]) => after.get(k) !== s).map(([k]) => k).sort();
    // t5: in master/1 and not in verb.
    expect(changed(signatures(session((t) => (t === 5 ? '  trim -3 dB\n' : ''))))).toEqual(['master/1']);
    expect(changed(signatures(session((t) => (t === 5 ? '  mute\n' : ''))))).toEqual(['master/1']);
    // t4 also sends to verb: both its groups.
    expect(changed(signatures(session((t) => (t === 4 ? '  trim -3 dB\n' : ''))))).toEqual(['master/1', 'verb/1']);
    // A solo silences every other track: every group changes.
    expect(changed(signatures(session((t) => (t === 0 ? '  solo\n' : ''))))).toEqual([...before.keys()].sort());
    // A new version of t9's file.
    expect(changed(signatures(session(), { fileVersion: (path) => (path === 't9.wav' ? 'v2' : '') }))).toEqual(['master/1']);
    // A label or a colour changes no sound.
    expect(changed(signatures(session((t) => (t === 5 ? '  color "#ff0000"\n' : ''))))).toEqual([]);
  });
});
