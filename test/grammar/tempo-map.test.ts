/**
 * The tempo map (design §10.3, docs/language.md §3.1): bar times through
 * tempo changes, linear ramps and meter changes, held to an independent
 * reference — the time of a beat as the integral of 60/T over the beats
 * before it, summed numerically here — within one sample at 48 kHz.
 */
import { describe, expect, it } from 'vitest';
import { barSeconds, check, TempoMap, type MixModel } from '../../grammar/src/index.js';

function model(text: string): MixModel {
  const r = check(text);
  expect(r.diagnostics.filter((d) => d.severity === 'error'), text).toEqual([]);
  return r.model;
}

const SAMPLE = 1 / 48000;

/**
 * Seconds to quarter-note beat `r` for a tempo given per beat (bpm of the
 * quarter), by the midpoint rule over 10 000 slices a beat: an oracle that
 * knows nothing of logarithms.
 */
function integrate(r: number, bpmAt: (beat: number) => number): number {
  const slices = Math.ceil(r * 10_000);
  const h = r / slices;
  let t = 0;
  for (let i = 0; i < slices; i++) t += (60 / bpmAt((i + 0.5) * h)) * h;
  return t;
}

describe('the tempo map', () => {
  it('with one tempo and meter, is the constant-tempo formula of design §2 bit for bit', () => {
    const m = model('tempo 124 bpm\nmeter 6/8\nmarker a bar 17 beat 5');
    const map = TempoMap.of(m)!;
    for (const [bar, beat] of [[1, 1], [2, 3], [17, 5], [301, 6]] as const) expect(map.seconds(bar, beat)).toBe(barSeconds(bar, beat, 124, 6));
    expect(m.markers[0]!.time).toBe(barSeconds(17, 5, 124, 6));
    expect('tempoMap' in m).toBe(false);
  });

  it('a change, a ramp and the tempo after it: marker times match the integral of 60/T within one sample', () => {
    const m = model([
      'tempo 120 bpm', 'tempo 90 bpm at bar 5', 'tempo 150 bpm at bar 9 ramp', 'tempo 100 bpm at bar 13',
      'marker a bar 5', 'marker b bar 7 beat 3', 'marker c bar 9', 'marker d bar 15 beat 2',
    ].join('\n'));
    // Quarter beats: 0-16 at 120; 16-32 ramps 90 -> 150; from 32 at 150 until 48; then 100.
    const bpmAt = (r: number) => (r < 16 ? 120 : r < 32 ? 90 + (60 * (r - 16)) / 16 : r < 48 ? 150 : 100);
    const beatOf = (bar: number, beat: number) => (bar - 1) * 4 + (beat - 1);
    const expected = { a: integrate(beatOf(5, 1), bpmAt), b: integrate(beatOf(7, 3), bpmAt), c: integrate(beatOf(9, 1), bpmAt), d: integrate(beatOf(15, 2), bpmAt) };
    for (const marker of m.markers) expect(Math.abs(marker.time - expected[marker.name as keyof typeof expected])).toBeLessThan(SAMPLE);
    // The ramp itself in closed form: 16 beats from 90 to 150 bpm take (60/k)·ln(150/90) with k = 60/16.
    expect(m.markers.find((x) => x.name === 'c')!.time - m.markers.find((x) => x.name === 'a')!.time).toBeCloseTo((60 / (60 / 16)) * Math.log(150 / 90), 12);
  });

  it('a meter change: bars count across it, and the first meter\'s note keeps its length', () => {
    const m = model('tempo 120 bpm\nmeter 4/4\nmeter 7/8 at bar 3\nmeter 3/4 at bar 5\nmarker a bar 4 beat 7\nmarker b bar 6');
    const map = TempoMap.of(m)!;
    // Bars 1-2: 2 s each. Bars 3-4 of 7/8: 3.5 quarters = 1.75 s. Bar 5 of 3/4: 1.5 s.
    expect(map.seconds(3)).toBe(4);
    expect(map.barLength(3)).toBeCloseTo(1.75, 12);
    expect(map.seconds(5)).toBeCloseTo(7.5, 12);
    expect(map.barLength(5)).toBeCloseTo(1.5, 12);
    expect(m.markers.map((x) => x.time)).toEqual([4 + 1.75 + 6 * 0.25, 7.5 + 1.5].map((x) => expect.closeTo(x, 12)));
    expect(map.meterAt(4)).toEqual({ beats: 7, unit: 8 });
  });

  it('finds the bar and beat at a time: the inverse of seconds, through ramps and meter changes', () => {
    const m = model('tempo 100 bpm\ntempo 160 bpm at bar 4 ramp\nmeter 5/8 at bar 6\ntempo 80 bpm at bar 9');
    const map = TempoMap.of(m)!;
    for (const [bar, beat] of [[1, 1], [2, 2.5], [3, 4], [4, 1], [5, 3.25], [6, 1], [7, 5], [9, 1], [12, 2]] as const) {
      const p = map.position(map.seconds(bar, beat));
      expect(p.bar).toBe(bar);
      expect(p.beat).toBeCloseTo(beat, 9);
    }
    expect(map.tempoAt(map.seconds(4))).toBeCloseTo(160, 9);
    expect(map.tempoAt(map.seconds(2, 3))).toBeGreaterThan(100);
  });
});
