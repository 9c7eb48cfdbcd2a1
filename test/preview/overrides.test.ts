/** Mute and solo pressed in the preview change what it plays, never the file, and come back after a reload. */
import { describe, expect, it } from 'vitest';
import { check } from '../../grammar/src/index.js';
import { ChannelOverrides } from '../../media/preview/overrides.js';

const model = check('track a {\n  file "a.wav"\n  mute\n}\ntrack b {\n  file "b.wav"\n}\n', { fileName: 'x.mix' }).model;
const channel = (name: string) => model.channels.find((c) => c.name === name)!;

describe('preview-only mute and solo', () => {
  it('override the file in the played model only, and round-trip through the saved state', () => {
    const o = new ChannelOverrides();
    o.toggleMute(channel('a')); // the file mutes a: the panel un-mutes it
    o.toggleSolo(channel('b'));
    const played = o.apply(model);
    expect(played.channels.find((c) => c.name === 'a')!.mute).toBe(false);
    expect(played.channels.find((c) => c.name === 'b')!.solo).toBe(true);
    expect(channel('a').mute).toBe(true); // the file's model is untouched
    const again = new ChannelOverrides(JSON.parse(JSON.stringify(o.saved())));
    expect(again.apply(model)).toEqual(played);
  });

  it('pressing twice gives the file back', () => {
    const o = new ChannelOverrides();
    o.toggleMute(channel('b'));
    o.toggleMute(channel('b'));
    expect(o.empty).toBe(true);
    expect(o.apply(model)).toBe(model);
  });
});
