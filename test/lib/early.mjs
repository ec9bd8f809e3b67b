// Processes a launcher (bin/runc, bin/ctr) started ahead of its CLI (runc's early init, ctr's
// early shim): what a trace says of them, and which of them are still there.
import { readdirSync, readFileSync } from 'node:fs';

const TRACE = /^berth-trace \S+ (\d+) (.*)$/gm;

/** What the traces say: the CLI's pid (the launcher's, which it exec'd into) and the lines. */
export function traced(stderr) {
  const lines = [...stderr.matchAll(TRACE)].map((m) => ({ pid: Number(m[1]), what: m[2] }));
  const cli = lines.find((l) => l.what.startsWith('launch: '));
  return { cli: cli?.pid, says: (prefix) => lines.some((l) => l.what.startsWith(prefix)) };
}

/** Processes started for the CLI `cliPid` by its launcher that are still there (unclaimed ones). */
export function earlyLeftovers(cliPid) {
  const mark = `_BERTH_EARLY_PARENT=${cliPid}\0`;
  const found = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (`${readFileSync(`/proc/${p}/environ`, 'latin1')}\0`.includes(mark)) found.push(Number(p));
    } catch { /* ended */ }
  }
  return found;
}
