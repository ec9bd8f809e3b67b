/**
 * runc and ctr take their global flags before the command (`ctr -n k8s.io images ls`); oclif
 * wants the command first. The global flags found before the command words are moved right
 * behind them; everything else keeps its place.
 */
export interface GlobalFlagSpec {
  /** Flags that take a value ("--root", "-n"). */
  withValue: readonly string[];
  /** Switches ("--debug"). */
  switches: readonly string[];
  /**
   * Short global flags whose letter a command uses for something else, written out when hoisted
   * (ctr's global `-a` is --address, but `ctr tasks kill -a` is --all).
   */
  longForms?: Readonly<Record<string, string>>;
}

/** `commandIds`: every command id and alias, words joined by ':' (oclif's form). */
export function hoistGlobals(argv: string[], spec: GlobalFlagSpec, commandIds: ReadonlySet<string>): string[] {
  const withValue = new Set(spec.withValue);
  const switches = new Set(spec.switches);
  const globals: string[] = [];
  let i = 0;
  while (i < argv.length && argv[i].startsWith('-')) {
    const a = argv[i];
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    const long = spec.longForms?.[name];
    if (withValue.has(name)) {
      const flag = long ?? name;
      if (a.includes('=')) { globals.push(`${flag}${a.slice(name.length)}`); i += 1; } else { globals.push(flag, argv[i + 1] ?? ''); i += 2; }
    } else if (switches.has(name)) {
      globals.push(a); i += 1;
    } else break; // --help, --version, -h, -v: oclif's
  }
  const rest = argv.slice(i);
  if (rest.length === 0) return globals.length ? ['--help'] : [];
  if (rest[0].startsWith('-')) return rest;
  // The command is the longest run of leading words that names one ("ns ls", "images pull").
  let words = 1;
  for (let k = 1; k <= rest.length && !rest[k - 1].startsWith('-'); k++) {
    if (commandIds.has(rest.slice(0, k).join(':'))) words = k;
  }
  return [...rest.slice(0, words), ...globals, ...rest.slice(words)];
}

/** Every id and alias of a COMMANDS map. */
export function commandIdsOf(commands: Record<string, { aliases?: string[] }>): Set<string> {
  const ids = new Set<string>();
  for (const [id, c] of Object.entries(commands)) {
    ids.add(id);
    for (const a of c.aliases ?? []) ids.add(a);
  }
  return ids;
}
