/** `runc list`'s output (the command and the fast path print through this). No oclif here. */
import type { ListEntry } from '@berth/core/dist/runtime/list';

export function formatList(entries: ListEntry[], form: 'table' | 'json' | 'quiet'): string {
  if (form === 'quiet') return entries.map((e) => `${e.id}\n`).join('');
  if (form === 'json') {
    // runc prints the same fields as `state`, with the owner's name, on one line.
    const out = entries.map(({ ownerName, ...e }) => ({ ...e, owner: ownerName }));
    // runc 1.1 prints Go's nil slice, `null`, when there are no containers.
    return `${out.length ? JSON.stringify(out) : 'null'}\n`;
  }
  const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
  const rows = [['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER'],
    ...entries.map((e) => [e.id, String(e.pid), e.status, e.bundle, e.created, e.ownerName])];
  return tabwrite(rows, { minwidth: 12, padding: 3 });
}
