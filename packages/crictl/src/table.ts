/**
 * crictl's tables and truncated ids (re-exported by output.ts): apart from output.ts, whose JSON,
 * YAML and Go templates the fast path of `ps` and `pods` (fast-list.ts) does not load.
 */
import type { TabOptions } from '@berth/core/dist/util/tabwriter';

/** crictl's tables: tabwriter(minwidth 20, tabwidth 1, padding 3, ' '), the last cell unpadded. */
export const CRICTL_TABLE: TabOptions = { minwidth: 20, padding: 3 };

export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
  return tabwrite(rows, CRICTL_TABLE);
}

/** crictl's getTruncatedID: the prefix dropped, then at most 13 characters. */
export function truncateId(id: string, prefix = ''): string {
  const s = prefix && id.startsWith(prefix) ? id.slice(prefix.length) : id;
  return s.length > 13 ? s.slice(0, 13) : s;
}
