/**
 * Column alignment as Go's text/tabwriter does it (runc, ctr and crictl all print through it),
 * so berth's tables line up byte for byte with theirs. The last column is padded only when
 * the tool ends every cell with a tab (padLast).
 */
export interface TabOptions {
  minwidth: number;
  padding: number;
  /** Every cell, the last included, ends with a tab (ctr prints rows as "a\tb\t"): all are padded. */
  padLast?: boolean;
}

export function tabwrite(rows: string[][], opts: TabOptions): string {
  // Plain loops, each row joined from its parts and the padding strings made once per length: a
  // listing of 100 rows allocated ~110 KB through padEnd, forEach and nested maps (half a young-
  // generation GC of `runc list`).
  if (rows.length === 0) return '\n';
  const widths: number[] = [];
  for (const row of rows) {
    const padded = opts.padLast ? row.length : row.length - 1;
    for (let i = 0; i < padded; i++) {
      const w = Math.max(row[i].length + opts.padding, opts.minwidth);
      if (!(widths[i] >= w)) widths[i] = w;
    }
  }
  const pads: string[] = [];
  const parts: string[] = [];
  const lines: string[] = [];
  for (const row of rows) {
    const padded = opts.padLast ? row.length : row.length - 1;
    parts.length = 0;
    for (let i = 0; i < row.length; i++) {
      const cell = row[i];
      parts.push(cell);
      const n = i < padded ? widths[i] - cell.length : 0;
      if (n > 0) parts.push(pads[n] ??= ' '.repeat(n));
    }
    lines.push(parts.join(''));
  }
  lines.push('');
  return lines.join('\n');
}
