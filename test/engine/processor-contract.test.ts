/**
 * The contract every registered processor keeps (engine/src/processors/):
 * its output does not depend on the block size, `bypass` is exact, `reset`
 * forgets everything, its state carries over to a new instance on a live
 * edit, its latency is what it declares, its output dies away within its
 * declared tail, it reports gain reduction only if it says so, and a
 * bypassed processor asks for no side-chain key.
 *
 * `CASES` must name every processor type of the model (the compiler checks),
 * so a new processor is covered as soon as it is registered.
 */
import { describe, expect, it } from 'vitest';
import { automatableParams, PROCESSOR_LIST, PROCESSORS, type ProcessorModel } from '../../grammar/src/index.js';
import { createInsert, ENGINE_PROCESSORS, independentTracks, stripOptionsFor, type Insert } from '../../engine/src/index.js';
import { modelOf, noise, renderMix } from './fixtures.js';

const RATE = 48000;

/**
 * Blocks as the language writes them, to be dropped into a track; settings
 * that make each processor work hard (every processor's own example from
 * its grammar declaration is run too).
 */
const CASES: { readonly [T in ProcessorModel['type']]: readonly string[] } = {
  eq: [
    'eq { highpass 80 Hz; bell 1 kHz -3 dB q 1; highshelf 8 kHz +2 dB }',
    'eq { lowpass 5 kHz slope 48 dB/oct; notch 50 Hz; bandpass 2 kHz q 2; lowshelf 200 Hz +4 dB; highpass 30 Hz slope 6 dB/oct }',
  ],
  comp: [
    'comp { threshold -30 dB; ratio 4:1; attack 1 ms; release 50 ms }',
    'comp { threshold -24 dB; ratio inf; knee 0 dB; attack 0.1 ms; release 20 ms; makeup 6 dB; mix 50% }',
  ],
  limit: [
    'limit { ceiling -6 dBTP }',
    'limit { ceiling -9 dBFS; release 20 ms; lookahead 3 ms }',
  ],
};

/** The model of one processor block, as analysis makes it. */
function processorModel(block: string): ProcessorModel {
  const model = modelOf(`track t {\n  file "a.wav"\n  ${block}\n}\n`);
  return model.channels.find((c) => c.name === 't')!.inserts[0]!;
}

function withBypass(block: string): string {
  return block.replace('{', '{ bypass;');
}

/**
 * `m` with each automatable parameter (and each band's frequency, gain and
 * q where the band has them) moved a quarter of the way up its range in
 * its own scale, from the registry's declarations.
 */
function retunedModel(m: ProcessorModel): ProcessorModel {
  const decl = PROCESSORS[m.type];
  const moved: Record<string, unknown> = { ...m };
  for (const p of automatableParams(m.type)) {
    const { min, max } = p.range!;
    const v = (m as unknown as Record<string, number>)[p.field]!;
    moved[p.field] = Number.isFinite(v) ? Math.min(max, v + (max - min) / 4) : v;
  }
  if (m.type === 'eq') {
    moved['bands'] = m.bands.map((b) => {
      const out: Record<string, unknown> = { ...b };
      for (const bp of decl.bands!.params) {
        if (!bp.appliesTo(b)) continue;
        const { min, max } = bp.range(RATE);
        out[bp.field] = Math.min(max, (b as unknown as Record<string, number>)[bp.field]! + (max - min) / 4);
      }
      return out;
    });
  }
  return moved as unknown as ProcessorModel;
}

/** Two channels of noise, loud enough to make every dynamics processor work. */
function signal(frames: number, seed: number, amplitude = 0.8): Float64Array[] {
  return [noise(frames, seed, amplitude), noise(frames, seed + 1, amplitude)];
}

const copy = (x: readonly Float64Array[]) => x.map((c) => c.slice());

/** Runs `insert` over `input` in place, in blocks of the given sizes (cycled). */
function run(insert: Insert, input: Float64Array[], sizes: readonly number[], key: readonly Float64Array[] | null = null): Float64Array[] {
  const frames = input[0]!.length;
  const scratch = input.map(() => new Float64Array(Math.max(...sizes)));
  const keyScratch = key?.map(() => new Float64Array(Math.max(...sizes))) ?? null;
  for (let at = 0, k = 0; at < frames; k++) {
    const n = Math.min(sizes[k % sizes.length]!, frames - at);
    input.forEach((c, i) => scratch[i]!.set(c.subarray(at, at + n)));
    key?.forEach((c, i) => keyScratch![i]!.set(c.subarray(at, at + n)));
    insert.process(scratch, n, keyScratch);
    input.forEach((c, i) => c.set(scratch[i]!.subarray(0, n), at));
    at += n;
  }
  return input;
}

/** The cases above, and each processor's example from its grammar declaration. */
const cases = [
  ...Object.entries(CASES).flatMap(([type, blocks]) => blocks.map((block) => ({ type, block }))),
  ...PROCESSOR_LIST.map((p) => ({ type: p.type, block: p.example })),
];

describe('every registered processor has cases here', () => {
  it('names the same types as the registry', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(ENGINE_PROCESSORS).sort());
  });
});

describe.each(cases)('$type: $block', ({ type, block }) => {
  const model = processorModel(block);
  const declared = ENGINE_PROCESSORS[model.type as ProcessorModel['type']] as (typeof ENGINE_PROCESSORS)['eq' | 'comp' | 'limit'];
  const make = (m: ProcessorModel = model) => createInsert(m, 2, RATE);

  it('is the model type it is registered under', () => {
    expect(model.type).toBe(type);
    expect(declared.type).toBe(type);
  });

  it('gives the same samples whatever the block size', () => {
    const input = signal(9600, 11);
    const whole = run(make(), copy(input), [9600]);
    const ragged = run(make(), copy(input), [1, 7, 128, 333, 64, 1000, 3]);
    expect(ragged).toEqual(whole);
    // And it did something: a test of a processor that passes audio untouched proves nothing.
    expect(whole[0]).not.toEqual(input[0]);
  });

  it('forgets everything on reset', () => {
    const used = make();
    run(used, signal(4800, 21), [128]);
    used.reset();
    const after = signal(4800, 31);
    expect(run(used, copy(after), [128])).toEqual(run(make(), copy(after), [128]));
  });

  it('carries its running state over to a new instance (live edit)', () => {
    const part1 = signal(4800, 41);
    const part2 = signal(4800, 51);
    const playing = make();
    run(playing, copy(part1), [128]);
    const edited = make(processorModel(block));
    expect(edited.adopt(playing)).toBe(true);
    expect(run(edited, copy(part2), [128])).toEqual(run(playing, copy(part2), [128]));
  });

  it('retunes to new values of its automatable parameters as if made with them, and offset processing is processing', () => {
    // Every automatable parameter moved inside its range: a retuned fresh instance is a fresh instance of the new model.
    const moved = retunedModel(model);
    const fresh = make(moved);
    const retuned = make();
    retuned.retune(moved);
    const input = signal(4800, 61);
    expect(run(retuned, copy(input), [128])).toEqual(run(fresh, copy(input), [128]));
    if (retuned.design) {
      // A design vector made current through a flat ramp is the same thing.
      const v = new Float64Array(retuned.design.size);
      retuned.design.designInto(moved, v);
      const ramped = make();
      const out = copy(input);
      ramped.design!.processRamp(out, 4800, 0, 0, v, v, 0, Infinity, 32);
      expect(out).toEqual(run(make(moved), copy(input), [4800]));
    }
  });

  it('declares its latency, and a quiet impulse comes out exactly that late', () => {
    const insert = make();
    expect(insert.latency).toBe(declared.latency(model as never, RATE));
    const impulse = [new Float64Array(2048), new Float64Array(2048)];
    impulse[0]![0] = impulse[1]![0] = 0.01; // −40 dBFS: under every threshold and ceiling used here
    const out = run(insert, impulse, [128]);
    const first = out[0]!.findIndex((v) => v !== 0);
    expect(first).toBe(insert.latency);
  });

  it('falls below −90 dBFS within its declared tail once the input stops', () => {
    const tail = declared.tailSeconds(model as never, RATE);
    expect(Number.isFinite(tail)).toBe(true);
    const loud = 4800;
    const tailFrames = Math.ceil(tail * RATE);
    const input = signal(loud + tailFrames + 4800, 61);
    for (const c of input) c.fill(0, loud);
    const out = run(make(), input, [128]);
    const after = out[0]!.subarray(loud + tailFrames);
    const peak = Math.max(...after.map(Math.abs), ...out[1]!.subarray(loud + tailFrames).map(Math.abs));
    expect(peak).toBeLessThan(10 ** (-90 / 20));
  });

  it('reports gain reduction if and only if it declares so', () => {
    const insert = make();
    run(insert, signal(4800, 71, 1.5), [128]);
    if (declared.reportsGainReduction) expect(insert.gainReductionDb).toBeGreaterThan(0);
    else expect(insert.gainReductionDb).toBe(0);
  });

  it('is exact when bypassed: the mix is the same as without it', async () => {
    const files = { 'a.wav': signal(4800, 81) };
    const without = await renderMix('track t {\n  file "a.wav"\n}\n', files);
    const bypassed = await renderMix(`track t {\n  file "a.wav"\n  ${withBypass(block)}\n}\n`, files);
    expect(bypassed).toEqual(without);
    const active = await renderMix(`track t {\n  file "a.wav"\n  ${block}\n}\n`, files);
    expect(active).not.toEqual(without);
  });
});

describe('a processor keyed by another channel', () => {
  const keyed = modelOf('track t {\n  file "a.wav"\n  comp { threshold -30 dB; ratio 8:1; attack 1 ms; release 40 ms; sidechain k }\n}\ntrack k {\n  file "k.wav"\n}\n')
    .channels.find((c) => c.name === 't')!.inserts[0]!;
  const key = () => [noise(9600, 301, 0.9), noise(9600, 302, 0.9)];

  it('follows its key, whatever the block size', () => {
    const input = signal(9600, 311, 0.05); // far under the threshold: only the key can make it work
    const whole = run(createInsert(keyed, 2, RATE), copy(input), [9600], key());
    expect(run(createInsert(keyed, 2, RATE), copy(input), [1, 7, 128, 333, 1000], key())).toEqual(whole);
    expect(whole[0]).not.toEqual(input[0]);
    expect(run(createInsert(keyed, 2, RATE), copy(input), [9600], [new Float64Array(9600), new Float64Array(9600)])).toEqual(input);
  });

  it('carries its envelope over on a live edit while keyed', () => {
    const [k1, k2] = [key(), [noise(4800, 321, 0.9), noise(4800, 322, 0.9)]];
    const playing = createInsert(keyed, 2, RATE);
    run(playing, signal(9600, 331, 0.05), [128], k1);
    const edited = createInsert(keyed, 2, RATE);
    expect(edited.adopt(playing)).toBe(true);
    const part2 = signal(4800, 341, 0.05);
    expect(run(edited, copy(part2), [128], k2)).toEqual(run(playing, copy(part2), [128], k2));
  });
});

describe('side-chain keys', () => {
  const text = (bypass: boolean) => `track a {
  file "a.wav"
  comp { ${bypass ? 'bypass; ' : ''}threshold -30 dB; sidechain b }
}
track b {
  file "b.wav"
}
`;

  it('a keyed compressor makes both channels depend on each other', () => {
    const model = modelOf(text(false));
    expect(independentTracks(model)).toEqual([]);
    expect(stripOptionsFor(model, undefined)(model.channels.find((c) => c.name === 'b')!).needsTap).toBe(true);
    expect(ENGINE_PROCESSORS.comp.keyChannelOf(model.channels.find((c) => c.name === 'a')!.inserts[0] as never)).toBe('b');
  });

  it('a bypassed one asks for no key: the tap and the thread split agree', () => {
    const model = modelOf(text(true));
    const a = model.channels.find((c) => c.name === 'a')!;
    expect(ENGINE_PROCESSORS.comp.keyChannelOf(a.inserts[0] as never)).toBeNull();
    expect(stripOptionsFor(model, undefined)(model.channels.find((c) => c.name === 'b')!).needsTap).toBe(false);
    // Before the registry, the thread split still treated both tracks as keyed.
    expect(independentTracks(model).sort()).toEqual(['a', 'b']);
  });

  it('a bypassed keyed compressor renders as if it were not there', async () => {
    const files = { 'a.wav': signal(4800, 91), 'b.wav': signal(4800, 95) };
    const bypassed = await renderMix(text(true), files);
    const without = await renderMix('track a {\n  file "a.wav"\n}\ntrack b {\n  file "b.wav"\n}\n', files);
    expect(bypassed).toEqual(without);
  });
});
