/** What crictl's list commands (ps, pods, stats, statsp) share in their filters. */

/** --label key=value…, as a map; anything else fails with crictl's message. */
export function labelFilter(list: string[] | undefined, fail: (message: string) => never): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const l of list ?? []) {
    const pair = l.split('=');
    if (pair.length !== 2) fail(`incorrectly specified label: ${l}`);
    labels[pair[0] as string] = pair[1] as string;
  }
  return labels;
}

/** --name/--namespace: a regular expression; none matches all, and a bad one matches nothing, as in crictl. */
export function matchesPattern(pattern: string | undefined, s: string): boolean {
  if (!pattern) return true;
  try {
    return new RegExp(pattern).test(s);
  } catch {
    return false;
  }
}
