/**
 * Messages to the preview cross VS Code's webview boundary as JSON: the
 * model's infinite gains and ratios must survive it.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../grammar/src/index.js';
import { fromWire, toWire } from '../../media/preview/protocol.js';
import { asVsCodeDelivers } from '../browser/preview-page.js';

describe('messages on the wire', () => {
  const model = check('track a {\n  file "a.wav"\n  comp { ratio inf }\n  gain -inf dB\n  send fx -inf dB\n}\nbus fx { }\n', { fileName: 'a.mix' }).model;

  it('keep -inf gains and an infinite ratio through JSON', () => {
    const a = model.channels.find((c) => c.name === 'a')!;
    expect(a.gainDb).toBe(-Infinity);
    // Without the encoding, JSON turns them into null.
    expect((asVsCodeDelivers(model).channels.find((c) => c.name === 'a')! as { gainDb: unknown }).gainDb).toBeNull();
    expect(fromWire(asVsCodeDelivers(toWire(model)))).toEqual(model);
  });

  it('leave typed arrays, strings and finite numbers alone, and do not take a track named like a number for one', () => {
    const message = { peaks: [Float32Array.of(-0.5, 0.5)], name: 'Infinity', x: 1.5 };
    const back = fromWire(asVsCodeDelivers(toWire(message)));
    expect(back.peaks[0]).toEqual(Float32Array.of(-0.5, 0.5));
    expect(back.name).toBe('Infinity');
    expect(back.x).toBe(1.5);
  });
});
