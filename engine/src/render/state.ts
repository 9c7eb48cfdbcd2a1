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

/**
 * Copies every numeric, boolean and typed-array field of `from` into `into`,
 * recursively, into `into`'s own arrays and objects (nothing ends up shared).
 * Throws when the two differ in shape: the caller's structure check missed
 * something, and a half-copied state must not be played.
 */
export function copyState(into: object, from: object): void {
  const dst = into as Fields;
  const src = from as Fields;
  for (const key of Object.keys(src)) {
    const value = src[key];
    const current = dst[key];
    if (typeof value === 'number' || typeof value === 'boolean') {
      dst[key] = value;
    } else if (value !== null && typeof value === 'object') {
      copyInto(current, value, key);
    }
  }
}

function copyInto(current: unknown, value: unknown, key: string): void {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const typed = value as unknown as Float64Array;
    if (!ArrayBuffer.isView(current) || current.constructor !== typed.constructor || (current as Float64Array).length !== typed.length) {
      throw new Error(`state shapes differ at '${key}'`);
    }
    (current as Float64Array).set(typed);
  } else if (Array.isArray(value)) {
    if (!Array.isArray(current) || current.length !== value.length) throw new Error(`state shapes differ at '${key}'`);
    value.forEach((v, i) => {
      if (typeof v === 'number' || typeof v === 'boolean') current[i] = v;
      else copyInto(current[i], v, `${key}[${i}]`);
    });
  } else if (value !== null && typeof value === 'object') {
    if (current === null || typeof current !== 'object') throw new Error(`state shapes differ at '${key}'`);
    copyState(current, value);
  }
}
