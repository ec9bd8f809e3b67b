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

/**
 * runc and ctr (urfave/cli) stop parsing flags at the first positional argument past the ones a
 * command takes: in `runc exec ID sh -c x` and `ctr run IMG ID sh -c x`, `-c` belongs to sh.
 * oclif parses flags anywhere, so such commands split argv themselves: flags and the first
 * `positionals` arguments go to oclif (`head`), the container's command line is `rest`. A `--`
 * ends the flags: the positionals still missing follow it, then the command line; right after the
 * positionals it only separates. `flags` is the command's oclif flag map (which take a value).
 */
export function splitCommandLine(argv: string[], flags: Record<string, { type: string; char?: string }>, positionals: number): { head: string[]; rest: string[] } {
  const takesValue = new Set<string>();
  for (const [name, def] of Object.entries(flags)) {
    if (def.type !== 'option') continue;
    takesValue.add(`--${name}`);
    if (def.char) takesValue.add(`-${def.char}`);
  }
  let seen = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      // What follows is not flags: the positionals still missing, then the command line.
      const need = positionals - seen;
      return { head: [...argv.slice(0, i), '--', ...argv.slice(i + 1, i + 1 + need)], rest: argv.slice(i + 1 + need) };
    }
    if (a.startsWith('-') && a !== '-') {
      if (!a.includes('=') && takesValue.has(a)) i++;
      continue;
    }
    if (++seen === positionals) {
      // `<image> <id> -- <command>`: the `--` only separates (as in ctr).
      const rest = argv.slice(i + 1);
      return { head: argv.slice(0, i + 1), rest: rest[0] === '--' ? rest.slice(1) : rest };
    }
  }
  return { head: argv, rest: [] };
}

/**
 * urfave/cli takes the last of a repeated flag (`ctr -n a -n b c ls` works in namespace b);
 * oclif refuses the second ("can only be specified once"). The earlier occurrences of each
 * single-valued flag are dropped, up to the first positional argument or `--`: what follows may
 * be a container's command line, whose words are not ours.
 */
export function keepLastFlag(argv: string[], flags: Record<string, { type: string; char?: string; multiple?: boolean }>): string[] {
  const options = new Map<string, { name: string; single: boolean }>(); // spelling -> flag
  for (const [name, def] of Object.entries(flags)) {
    if (def.type !== 'option') continue;
    const flag = { name, single: def.multiple !== true };
    options.set(`--${name}`, flag);
    if (def.char) options.set(`-${def.char}`, flag);
  }
  const seen: Array<{ name: string; at: number; words: number }> = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--' || !a.startsWith('-') || a === '-') break;
    const eq = a.indexOf('=');
    const spelled = eq > 0 ? a.slice(0, eq) : a;
    const flag = options.get(spelled) ?? (/^-[^-]/.test(a) ? options.get(a.slice(0, 2)) : undefined);
    if (flag === undefined) continue; // a switch, or a flag oclif will judge
    const attached = eq > 0 || (a.length > 2 && !a.startsWith('--'));
    if (flag.single) seen.push({ name: flag.name, at: i, words: attached ? 1 : 2 });
    if (!attached) i++; // its value
  }
  const drop = new Set<number>();
  const last = new Map(seen.map((s) => [s.name, s.at]));
  for (const s of seen) if (last.get(s.name) !== s.at) for (let k = 0; k < s.words; k++) drop.add(s.at + k);
  return drop.size === 0 ? argv : argv.filter((_, k) => !drop.has(k));
}
