/**
 * The flag loop of the fast paths (runc's hot commands, `ctr run`, `ctr tasks ls`, crictl's pod
 * cycle): they serve only the plain forms of a command line — known flags as `--flag value`,
 * `--flag=value` or a switch — and hand anything else to oclif untouched, which owns usage errors
 * and help. So this parser never explains a refusal: it returns undefined.
 */

export interface PlainFormSpec {
  /** Switches: spelling → name. */
  switches?: Readonly<Record<string, string>>;
  /** Flags with a value: spelling → name and, optionally, the values allowed (a list, or their shape). */
  valued?: Readonly<Record<string, { readonly name: string; readonly options?: readonly string[] | RegExp }>>;
  /** Spellings skipped without effect (ctr's --debug). */
  ignore?: ReadonlySet<string>;
  /** Stop at the first positional argument (`ctr run IMAGE ID CMD…`: the rest is the container's). */
  stopAtPositional?: boolean;
  /** A flag given twice: refused (oclif's rule for these commands), or the last one kept (ctr's). */
  repeats?: 'refuse' | 'last';
  /** ctr's urfave/cli takes `-n=default` and a value that starts with a dash; oclif does not. */
  goLike?: boolean;
  /** A lone `-`: an argument (runc's, as oclif takes it there) or refused (the default). */
  loneDash?: 'argument' | 'refuse';
  /**
   * `-aq` as `-a -q` when each letter is a switch: crictl's commands take short switches together
   * (urfave/cli's UseShortOptionHandling), as oclif does; anything else in a group is oclif's.
   */
  shortGroups?: boolean;
}

/** Flags with a value and no restriction on it, from spelling → name. */
export function valuedFlags(names: Readonly<Record<string, string>>): NonNullable<PlainFormSpec['valued']> {
  return Object.fromEntries(Object.entries(names).map(([spelling, name]) => [spelling, { name }]));
}

export interface PlainForm {
  /** By name: a switch's `true`, a valued flag's value. */
  flags: Record<string, string | true>;
  positionals: string[];
  /** Index of the first argument not read (stopAtPositional). */
  end: number;
}

/** `args[start…]` as a plain form, or undefined when oclif must take the command line. */
export function parsePlainForm(args: readonly string[], start: number, spec: PlainFormSpec): PlainForm | undefined {
  const { switches = {}, valued = {}, ignore, stopAtPositional = false, repeats = 'refuse', goLike = false, loneDash = 'refuse', shortGroups = false } = spec;
  const flags: Record<string, string | true> = {};
  const positionals: string[] = [];
  let i = start;
  for (; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-' && loneDash === 'refuse') return undefined;
    if (!a.startsWith('-') || a === '-') {
      if (stopAtPositional) break;
      positionals.push(a);
      continue;
    }
    if (ignore?.has(a)) continue;
    if (shortGroups && /^-[A-Za-z]{2,}$/.test(a)) {
      for (const letter of a.slice(1)) {
        const name = Object.hasOwn(switches, `-${letter}`) ? switches[`-${letter}`] : undefined;
        if (name === undefined || (repeats === 'refuse' && flags[name] !== undefined)) return undefined;
        flags[name] = true;
      }
      continue;
    }
    const eq = goLike || a.startsWith('--') ? a.indexOf('=') : -1;
    const spelling = eq > 0 ? a.slice(0, eq) : a;
    const flag = Object.hasOwn(valued, spelling) ? valued[spelling] : undefined;
    const sw = Object.hasOwn(switches, spelling) ? switches[spelling] : undefined;
    // One flag under two spellings (-f, --format) is still a repeat.
    const name = flag?.name ?? sw;
    if (name === undefined) return undefined; // --help, --debug, `--` and the unknown
    if (repeats === 'refuse' && flags[name] !== undefined) return undefined;
    if (!flag) {
      if (eq > 0) return undefined; // a switch with a value
      flags[name] = true;
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : args[++i];
    // oclif does not take another flag for a value (`--root -q`): its error, not ours.
    if (value === undefined || value === '' || (!goLike && eq < 0 && value.startsWith('-'))) return undefined;
    const { options } = flag;
    if (options instanceof RegExp ? !options.test(value) : options && !options.includes(value)) return undefined;
    flags[name] = value;
  }
  return { flags, positionals, end: i };
}

/**
 * Fills unset flags from their environment variables (name → variable), as oclif's `env` option
 * does; false when one is set but empty, which oclif treats in ways of its own.
 */
export function envDefaults(flags: Record<string, string | true>, env: Readonly<Record<string, string>>): boolean {
  for (const [name, variable] of Object.entries(env)) {
    const v = process.env[variable];
    if (v === '') return false;
    if (flags[name] === undefined && v !== undefined) flags[name] = v;
  }
  return true;
}
