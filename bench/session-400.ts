/**
 * The benchmarks' realistic large session: 400 tracks, each with two comped
 * clips, a trim, a three-band EQ, a compressor (some keyed), a fader, a pan,
 * a group bus and sends, 16 group buses, effect buses, a master with a
 * limiter and a loudness target. Deterministic: every run measures the same
 * text.
 */
export const TRACKS = 400;
export const GROUPS = 16;
export const TEMPO = 124;

/** A small deterministic PRNG (mulberry32), so every run measures the same session and positions. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pad = (n: number) => String(n).padStart(3, '0');
export const trackName = (i: number) => `t${pad(i)}`;
export const groupName = (g: number) => `grp${String(g).padStart(2, '0')}`;
export const audioPath = (i: number) => `audio/${trackName(i)}.wav`;

export function generateSession(): string {
  const rnd = prng(1234);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const hex = () => Math.floor(rnd() * 256).toString(16).padStart(2, '0');
  const out: string[] = [
    `# Benchmark session: ${TRACKS} tracks`,
    'title "Benchmark"',
    'samplerate 48000 Hz',
    `tempo ${TEMPO} bpm`,
    'meter 4/4',
    'output stereo',
    '',
    'marker intro 0:00',
    'marker verse bar 9',
    'marker chorus bar 25',
    'marker bridge bar 41 beat 3',
    'marker outro bar 57',
    '',
    'reference pro "audio/t001.wav" gain -2 dB',
    '',
  ];
  for (let i = 1; i <= TRACKS; i++) {
    const g = 1 + (i % GROUPS);
    out.push(`track ${trackName(i)} {`);
    out.push(`  label "Track ${i}"`);
    out.push(`  color "#${hex()}${hex()}${hex()}"`);
    out.push(`  clip "${audioPath(i)}" to chorus`);
    out.push(`  clip "${audioPath(i)}" from chorus to outro fade 20 ms`);
    if (i % 7 === 0) out.push('  cut 1:02.5 to 1:03');
    out.push(`  trim ${pick(['-6', '-3', '0', '+2'])} dB`);
    out.push('  eq {');
    out.push(`    highpass ${pick([30, 40, 60, 80, 100])} Hz slope ${pick([12, 24])} dB/oct`);
    out.push(`    bell ${pick([200, 300, 450, 800])} Hz ${pick(['-4', '-3', '-2', '+1.5'])} dB q ${pick(['0.7', '1', '1.4', '2'])}`);
    out.push(`    highshelf ${pick([8, 10, 12])} kHz ${pick(['+1', '+2', '-1'])} dB`);
    out.push('  }');
    out.push('  comp {');
    out.push(`    threshold ${pick(['-24', '-18', '-12'])} dB`);
    out.push(`    ratio ${pick(['2', '3', '4'])}:1`);
    out.push(`    attack ${pick(['2', '5', '10'])} ms`);
    out.push(`    release ${pick(['60', '100', '200'])} ms`);
    if (i % 11 === 0 && i > 1) out.push(`    sidechain ${trackName(1)}`);
    out.push('  }');
    out.push(`  gain ${pick(['-6', '-3.5', '-2', '0', '+1'])} dB`);
    out.push(`  pan ${pick(['-40', '-10', '0', '15', '60'])}%`);
    out.push(`  to ${groupName(g)}`);
    out.push(`  send verb ${pick(['-18', '-12', '-9'])} dB`);
    if (i % 3 === 0) out.push(`  send delay ${pick(['-20', '-15'])} dB pre`);
    out.push('}');
    out.push('');
  }
  for (let g = 1; g <= GROUPS; g++) {
    out.push(`bus ${groupName(g)} {`, '  eq {', '    lowshelf 100 Hz +1 dB', '  }', '  comp { threshold -12 dB; ratio 2:1; attack 30 ms; release 200 ms }', '  to mixbus', '}', '');
  }
  out.push('bus verb {', '  eq { highpass 200 Hz; lowpass 8 kHz }', '  to mixbus', '}', '');
  out.push('bus delay {', '  eq { highpass 300 Hz }', '  gain -4 dB', '  to mixbus', '}', '');
  out.push('bus mixbus {', '  comp { threshold -10 dB; ratio 1.5:1; attack 30 ms; release 300 ms }', '}', '');
  out.push('master {', '  eq { lowshelf 100 Hz +1 dB }', '  limit { ceiling -1 dBTP; release 50 ms }', '  target -14 LUFS', '}', '');
  return out.join('\n');
}

