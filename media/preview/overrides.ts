/**
 * Mute and solo pressed in the preview panel. They change what the preview
 * plays, never the file: the model sent to the engine is the file's with
 * these flags replaced.
 */
import type { ChannelModel, MixModel } from '../../grammar/src/model.js';

/** Channels whose mute or solo the panel turned on, or off where the file has it on. */
export interface SavedOverrides {
  readonly muted: readonly string[];
  readonly unmuted: readonly string[];
  readonly soloed: readonly string[];
  readonly unsoloed: readonly string[];
}

export class ChannelOverrides {
  /** Per channel: the state pressed in the panel, where it differs from the file's. */
  private readonly mute = new Map<string, boolean>();
  private readonly solo = new Map<string, boolean>();

  constructor(saved: Partial<SavedOverrides> = {}) {
    for (const n of saved.muted ?? []) this.mute.set(n, true);
    for (const n of saved.unmuted ?? []) this.mute.set(n, false);
    for (const n of saved.soloed ?? []) this.solo.set(n, true);
    for (const n of saved.unsoloed ?? []) this.solo.set(n, false);
  }

  muted(c: ChannelModel): boolean {
    return this.mute.get(c.name) ?? c.mute;
  }

  soloed(c: ChannelModel): boolean {
    return this.solo.get(c.name) ?? c.solo;
  }

  toggleMute(c: ChannelModel): void {
    this.set(this.mute, c.name, !this.muted(c), c.mute);
  }

  toggleSolo(c: ChannelModel): void {
    this.set(this.solo, c.name, !this.soloed(c), c.solo);
  }

  get empty(): boolean {
    return this.mute.size === 0 && this.solo.size === 0;
  }

  /** What was pressed in the panel, for the page's saved state. */
  saved(): SavedOverrides {
    const names = (map: Map<string, boolean>, value: boolean) => [...map].filter(([, v]) => v === value).map(([n]) => n);
    return { muted: names(this.mute, true), unmuted: names(this.mute, false), soloed: names(this.solo, true), unsoloed: names(this.solo, false) };
  }

  /**
   * The model to play: the file's, with the panel's mute and solo. A channel
   * the panel mutes or unmutes is so for the whole song: its mute lane, if it
   * has one, gives way while the button is on.
   */
  apply(model: MixModel): MixModel {
    if (this.empty) return model;
    return {
      ...model,
      channels: model.channels.map((c) => (c.kind === 'master' ? c : this.applyTo(c))),
    };
  }

  private applyTo(c: ChannelModel): ChannelModel {
    const out: ChannelModel = { ...c, mute: this.muted(c), solo: this.soloed(c) };
    if (!this.mute.has(c.name) || !c.automation?.some((l) => l.target.kind === 'mute')) return out;
    const lanes = c.automation.filter((l) => l.target.kind !== 'mute');
    const { automation: _lanes, ...rest } = out;
    return lanes.length > 0 ? { ...rest, automation: lanes } : rest;
  }

  private set(map: Map<string, boolean>, name: string, value: boolean, fileValue: boolean): void {
    if (value === fileValue) map.delete(name);
    else map.set(name, value);
  }
}
