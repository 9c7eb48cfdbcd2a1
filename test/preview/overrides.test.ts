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

  it('a channel muted or unmuted in the panel is so for the whole song: its mute lane gives way, its other lanes stay', () => {
    const laned = check('track v {\n  file "v.wav"\n  automate mute { 1 s on; 2 s off }\n  automate gain { 1 s -3 dB }\n}\n', { fileName: 'x.mix' }).model;
    const v = laned.channels.find((c) => c.name === 'v')!;
    const o = new ChannelOverrides();
    o.toggleMute(v);
    const played = o.apply(laned).channels.find((c) => c.name === 'v')!;
    expect(played.mute).toBe(true);
    expect(played.automation!.map((l) => l.target.kind)).toEqual(['gain']);
    o.toggleMute(v);
    expect(o.apply(laned)).toBe(laned); // the lane is back
  });
});
