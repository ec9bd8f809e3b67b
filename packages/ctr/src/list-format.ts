/**
 * `--format table|json` of ctr's list commands. containerd's ctr has no such flag (only
 * `tasks metrics` has one): it is berth's own, so scripts need not parse the tables. JSON is the
 * list's records as the core returns them, indented as ctr's `info` commands print theirs.
 */
import { Flags } from '@oclif/core';

export const listFormatFlag = Flags.string({
  description: 'berth: output format, table or json (containerd\'s ctr has no such flag)',
  options: ['table', 'json'],
  default: 'table',
});

/** Prints `records` as a JSON array when `format` is json; false means the caller prints its table. */
export function printListJson(format: string | undefined, records: readonly unknown[]): boolean {
  if (format !== 'json') return false;
  process.stdout.write(`${JSON.stringify(records, null, 4)}\n`);
  return true;
}
