/**
 * Mute and solo pressed in the preview panel. They change what the preview
 * plays, never the file: the model sent to the engine is the file's with
 * these flags replaced.
 */
import type { ChannelModel, MixModel } from '../../grammar/src/model.js';

export class ChannelOverrides {
  /** Per channel: the state pressed in the panel, where it differs from the file's. */
  private readonly mute = new Map<string, boolean>();
  private readonly solo = new Map<string, boolean>();

  constructor(muted: readonly string[] = [], soloed: readonly string[] = []) {
    for (const n of muted) this.mute.set(n, true);
    for (const n of soloed) this.solo.set(n, true);
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

  /** The channels muted and soloed in the panel, for the page's saved state. */
  saved(): { muted: string[]; soloed: string[] } {
    return {
      muted: [...this.mute].filter(([, v]) => v).map(([n]) => n),
      soloed: [...this.solo].filter(([, v]) => v).map(([n]) => n),
    };
  }

  /** The model to play: the file's, with the panel's mute and solo. */
  apply(model: MixModel): MixModel {
    if (this.empty) return model;
    return {
      ...model,
      channels: model.channels.map((c) => (c.kind === 'master' ? c : { ...c, mute: this.muted(c), solo: this.soloed(c) })),
    };
  }

  private set(map: Map<string, boolean>, name: string, value: boolean, fileValue: boolean): void {
    if (value === fileValue) map.delete(name);
    else map.set(name, value);
  }
}
