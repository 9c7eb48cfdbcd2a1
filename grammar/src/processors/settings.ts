/** Models of processors whose body is parameters: defaults from the declarations, then what was written. */
import type { ProcessorModel } from '../model.js';
import type { ParamDecl, SettingsOf } from './types.js';

/** Every field the parameters set, with its default, in declaration (= model) order. */
export function defaultSettings<M extends ProcessorModel>(params: readonly ParamDecl<M>[]): SettingsOf<M> {
  const out: Record<string, unknown> = {};
  for (const p of params) {
    out[p.field] = p.default;
    Object.assign(out, p.alsoSets);
  }
  return out as SettingsOf<M>;
}

export function settingsModel<M extends ProcessorModel>(type: M['type'], params: readonly ParamDecl<M>[], bypass: boolean, settings: Partial<SettingsOf<M>>): M {
  // Spreading the written settings over the defaults keeps the fields in model order.
  return { type, bypass, ...defaultSettings(params), ...settings } as unknown as M;
}
