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
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      if (i === row.length - 1 && !opts.padLast) return;
      widths[i] = Math.max(widths[i] ?? 0, Math.max(cell.length + opts.padding, opts.minwidth));
    });
  }
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 && !opts.padLast ? cell : cell.padEnd(widths[i]))).join('')).join('\n') + '\n';
}
