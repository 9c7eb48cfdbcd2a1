/**
 * Automation lanes in words, as a user writes them: the target after
 * `automate` and a value in the target's unit. For hover, the diff and the
 * preview's lanes (which must not pull in the parser, hence its own module).
 */
import type { AutomationTarget, BandModel, ChannelModel } from './model.js';
import { PROCESSORS, type ParamDecl } from './processors/index.js';
import { showValue } from './units.js';

/** A lane's target as it is written after `automate`: `gain`, `send verb`, `glue.threshold`, `comp#2.ratio`. */
export function targetText(channel: ChannelModel, target: AutomationTarget): string {
  switch (target.kind) {
    case 'send': return `send ${target.bus}`;
    case 'param': {
      const p = channel.inserts[target.insert];
      if (!p) return '?';
      const decl = target.band === null ? (PROCESSORS[p.type].params as readonly ParamDecl[]).find((x) => x.field === target.field) : PROCESSORS[p.type].bands?.params.find((x) => x.field === target.field);
      const word = decl?.keyword ?? target.field;
      if (target.band !== null) {
        const band = (p as { bands: readonly BandModel[] }).bands[target.band];
        // Automation reaches a band only by its name; an unnamed one (not written by analysis) is shown by its type.
        return `${band?.name ?? band?.type ?? '?'}.${word}`;
      }
      const position = channel.inserts.slice(0, target.insert + 1).filter((x) => x.type === p.type).length;
      return `${p.name ?? `${p.type}#${position}`}.${word}`;
    }
    default: return target.kind;
  }
}

/** A value of a lane's target, in base units, as the user writes it: `-3 dB`, `-20%`, `2 kHz`, `40 ms`, `4:1`, `on`. */
export function targetValueText(channel: ChannelModel, target: AutomationTarget, value: number): string {
  switch (target.kind) {
    case 'gain': case 'trim': case 'send': return signed(value, 'dB');
    case 'pan': return signed(Math.round(value * 1e6) / 1e4, '%');
    case 'mute': return value >= 0.5 ? 'on' : 'off';
    case 'param': {
      const p = channel.inserts[target.insert];
      if (!p) return showValue(value, null);
      if (target.band !== null) {
        if (target.field === 'freq') return value >= 1000 ? showValue(value / 1000, 'kHz') : showValue(value, 'Hz');
        return target.field === 'gainDb' ? signed(value, 'dB') : showValue(value, null);
      }
      const decl = (PROCESSORS[p.type].params as readonly ParamDecl[]).find((x) => x.field === target.field);
      if (decl?.syntax === 'ratio') return value === Infinity ? 'inf' : `${showValue(value, null)}:1`;
      if (decl?.kind === 'percent') return showValue(Math.round(value * 1e6) / 1e4, '%');
      if (decl?.kind === 'duration') return showValue(value * 1000, 'ms');
      if (p.type === 'limit' && target.field === 'ceilingDb') return showValue(value, p.ceilingMode);
      return decl?.unit === 'dB' ? signed(value, 'dB') : showValue(value, decl?.unit ?? null);
    }
  }
}

/** `+2 dB`, `-3 dB`, `0 dB`: a level written the way the language's examples write it. */
function signed(value: number, unit: string): string {
  return `${value > 0 && value !== Infinity ? '+' : ''}${showValue(value, unit)}`;
}
