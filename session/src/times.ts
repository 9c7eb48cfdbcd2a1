/** Times given on the command line (`--from 1:30`, `--to chorus`), read like times in a mix file. */
import { TempoMap, type MixModel } from '../../grammar/src/index.js';
import { SessionError } from './errors.js';

export function parseTimeArg(text: string, model: MixModel, flag: string): number {
  const t = text.trim();
  let m: RegExpExecArray | null;
  if ((m = /^(\d+(?:\.\d+)?)\s*(s|ms)?$/.exec(t))) return Number(m[1]) * (m[2] === 'ms' ? 0.001 : 1);
  if ((m = /^(\d+):([0-5]\d(?:\.\d+)?)$/.exec(t))) return Number(m[1]) * 60 + Number(m[2]);
  if ((m = /^bar\s+(\d+)(?:\s+beat\s+(\d+))?$/.exec(t))) {
    const map = TempoMap.of(model);
    if (!map) throw new SessionError('usage', `${flag} ${t}: the session has no tempo, so bar times mean nothing`);
    const bar = Number(m[1]);
    const beat = Number(m[2] ?? 1);
    const meter = map.meterAt(bar);
    if (bar < 1 || beat < 1 || beat > meter.beats) throw new SessionError('usage', `${flag} ${t}: bars count from 1 and bar ${bar} has beats 1 to ${meter.beats}`);
    return map.seconds(bar, beat);
  }
  const marker = model.markers.find((k) => k.name === t);
  if (marker) return marker.time;
  const names = model.markers.map((k) => k.name);
  throw new SessionError('usage', `${flag} '${t}' is not a time: write 83.5 s, 1:23.5, bar 17${names.length ? ` or a marker (${names.join(', ')})` : ''}`);
}

/** `m:ss.s` */
export function clock(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return `${m}:${s.toFixed(1).padStart(4, '0')}`;
}
