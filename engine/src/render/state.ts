/**
 * Carrying a DSP block's running state from one instance to another, for
 * live edits: the preview builds a new graph for the edited model and, where
 * a processor matches one in the playing graph, the new one continues where
 * the old one is (filter memories, envelopes, look-ahead buffers), so the
 * switch is not heard as a restart.
 *
 * The engine's DSP blocks keep their state as numbers and typed arrays (no
 * closures, nothing shared), so a state is copied field by field. The copy
 * takes the settings too; the caller then applies the new settings with the
 * block's own setter (`setParams`, `setCoefficients`), which keeps the state.
 * Both instances must have the same structure (channels, sections, delay
 * lengths): the caller checks that before.
 */

type Fields = Record<string, unknown>;

/** Copies every numeric, boolean and typed-array field of `from` into `into`, recursively. */
export function copyState(into: object, from: object): void {
  const dst = into as Fields;
  const src = from as Fields;
  for (const key of Object.keys(src)) {
    const value = src[key];
    const current = dst[key];
    if (typeof value === 'number' || typeof value === 'boolean') {
      dst[key] = value;
    } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const typed = value as unknown as Float64Array;
      if (ArrayBuffer.isView(current) && (current as Float64Array).length === typed.length && current.constructor === typed.constructor) {
        (current as Float64Array).set(typed);
      } else {
        dst[key] = typed.slice();
      }
    } else if (Array.isArray(value)) {
      // Arrays of typed arrays (per-channel rings) or of plain objects.
      if (!Array.isArray(current) || current.length !== value.length) dst[key] = value.map(cloneState);
      else value.forEach((v, i) => {
        if (ArrayBuffer.isView(v) && ArrayBuffer.isView(current[i]) && (current[i] as Float64Array).length === (v as Float64Array).length) (current[i] as Float64Array).set(v as Float64Array);
        else current[i] = cloneState(v);
      });
    } else if (value !== null && typeof value === 'object' && current !== null && typeof current === 'object') {
      copyState(current, value);
    }
  }
}

function cloneState(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return (v as Float64Array).slice();
  if (Array.isArray(v)) return v.map(cloneState);
  if (v !== null && typeof v === 'object') return { ...(v as Fields) };
  return v;
}
