/** Go's encoding/json of a CRI config struct, as containerd's verbose status info carries it. */
import type { Json, JsonObject } from './cni/types';

const snake = (k: string): string => k.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);

/**
 * snake_case names, empty fields omitted. The maps named in `mapKeys` (labels, annotations…)
 * are Go maps, not structs: their keys stay as they are and their values are kept whole.
 */
export function goConfigJson(v: unknown, mapKeys: readonly string[], keepKeys = false): Json | undefined {
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map((x) => goConfigJson(x, mapKeys) ?? null);
  if (v !== null && typeof v === 'object') {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const key = keepKeys ? k : snake(k);
      const val = keepKeys ? (x as Json) : goConfigJson(x, mapKeys, mapKeys.includes(k));
      if (val !== undefined) out[key] = val;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  if (v === '' || v === 0 || v === false || v === undefined || v === null) return undefined;
  return v as Json;
}
