/** A single-quoted word for bash and zsh ('it'\''s'). */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A single-quoted word for fish (backslash escapes \ and ' inside). */
export function fishQuote(s: string): string {
  return `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** Groups keys by equal value, so a case statement has one arm per distinct answer. */
export function byValue(entries: Iterable<[string, string]>): [string[], string][] {
  const groups = new Map<string, string[]>();
  for (const [k, v] of entries) {
    if (v === '') continue;
    const keys = groups.get(v) ?? [];
    keys.push(k);
    groups.set(v, keys);
  }
  return [...groups].map(([v, keys]) => [keys, v]);
}
