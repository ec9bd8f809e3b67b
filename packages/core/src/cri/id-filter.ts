/**
 * CRI's id filters (ListContainers, ListPodSandbox, the stats calls) as containerd applies them:
 * an id that is a whole known id, or the prefix of exactly one, stands for that id; anything else
 * (an ambiguous prefix, an unknown id) is compared whole, so it matches nothing.
 */
export function idFilter(known: readonly string[], wanted: string | undefined): (id: string) => boolean {
  if (!wanted) return () => true;
  const hits = known.includes(wanted) ? [wanted] : known.filter((id) => id.startsWith(wanted));
  const target = hits.length === 1 ? hits[0] : wanted;
  return (id) => id === target;
}
