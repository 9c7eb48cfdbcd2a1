/**
 * renderMix tells how far it is through callbacks only: one pass over every
 * channel, begun with its length and label, updated up to its end, then
 * done. With a loudness target the label says master passes follow.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../grammar/src/index.js';
import { renderMix, type RenderProgress } from '../../session/src/index.js';
import { writeWav } from '../lsp/wav.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixdown-progress-'));
  writeWav(join(dir, 'tone.wav'), { sampleRate: 48000, channels: 1, bits: 16, frames: 48000 * 3, amplitude: 0.3 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function recorder() {
  const events: string[] = [];
  const updates: number[] = [];
  const progress: RenderProgress = {
    begin: (totalS, label) => events.push(`begin ${totalS} ${label}`),
    update: (doneS) => { updates.push(doneS); if (events.at(-1) !== 'update') events.push('update'); },
    done: () => events.push('done'),
  };
  return { events, updates, progress };
}

async function render(text: string, progress: RenderProgress) {
  const checked = check(text, { fileName: 'song.mix' });
  expect(checked.hasErrors).toBe(false);
  return renderMix(checked.model, { file: join(dir, 'song.mix'), out: null, bits: 24, stems: null, from: null, to: '2 s', threads: 1, progress });
}

describe('renderMix progress', () => {
  it('without a target: begin (rendering), updates rising to the end of the span, done', async () => {
    const r = recorder();
    await render('track t { file "tone.wav" }\n', r.progress);
    expect(r.events).toEqual(['begin 2 rendering', 'update', 'done']);
    expect(r.updates).toEqual([...r.updates].sort((a, b) => a - b));
    expect(r.updates.at(-1)).toBe(2);
  });

  it('with a target: begin (mixing), and done after the first pass and again at the end', async () => {
    const r = recorder();
    const result = await render('track t { file "tone.wav" }\nmaster { target -20 LUFS }\n', r.progress);
    expect(result.target).not.toBeNull();
    expect(r.events).toEqual(['begin 2 mixing', 'update', 'done', 'done']);
    expect(r.updates.at(-1)).toBe(2);
  });
});
