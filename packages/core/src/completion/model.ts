/**
 * The words a shell may complete for one CLI, derived from its oclif command metadata (the
 * loaded commands' ids, aliases, flags and args), so completion never drifts from the commands.
 * Every id and alias is a path of words: `images:list` and its alias `i:ls` give the paths
 * "images list" and "i ls". Aliases are kept as their own paths (not mapped onto the id's)
 * because oclif accepts exactly those paths and no mix of them.
 */

/** What oclif knows of a flag (a cached command's or a command class's flag). */
export interface FlagMeta {
  char?: string;
  type: 'boolean' | 'option';
  options?: readonly string[];
  hidden?: boolean;
  summary?: string;
  description?: string;
}

/** What oclif knows of a command (Command.Loadable, or a command class). */
export interface CommandMeta {
  id: string;
  aliases?: readonly string[];
  hidden?: boolean;
  summary?: string;
  description?: string;
  flags?: Record<string, FlagMeta>;
  args?: Record<string, { options?: readonly string[] }>;
}

export interface CompletionInput {
  tool: string;
  commands: readonly CommandMeta[];
  /** Flags accepted before the command (the base command's flags). */
  globals: Record<string, FlagMeta>;
  /** Topic descriptions by topic name (oclif's topics), for words that are not commands. */
  topics?: Record<string, string>;
}

export interface CompletionFlag {
  long: string;
  char?: string;
  takesValue: boolean;
  values: string[];
  help: string;
}

export interface CompletionCommand {
  id: string;
  help: string;
  /** Its own flags: the globals are left out when it takes them all as they are (inheritsGlobals). */
  flags: CompletionFlag[];
  inheritsGlobals: boolean;
  /** The first argument's fixed choices (e.g. `completion bash|zsh|fish`). */
  argValues: string[];
}

export interface CompletionWord {
  word: string;
  help: string;
}

export interface CompletionModel {
  tool: string;
  /** Path ('' for the top, words joined by one space) → the words that may follow it. */
  children: Map<string, CompletionWord[]>;
  /** Path → the command it names (by id). */
  leaves: Map<string, string>;
  commands: Map<string, CompletionCommand>;
  /** The base command's flags: before any command word, and inherited by commands. */
  globals: CompletionFlag[];
  /** What the top level offers: the globals, --help and --version. */
  top: CompletionFlag[];
}

const firstLine = (s: string | undefined): string => (s ?? '').split('\n')[0].trim();

function flagsOf(flags: Record<string, FlagMeta>): CompletionFlag[] {
  return Object.entries(flags)
    .filter(([, f]) => !f.hidden)
    .map(([name, f]) => ({
      long: name,
      char: f.char,
      takesValue: f.type === 'option',
      values: [...(f.options ?? [])],
      help: firstLine(f.summary ?? f.description),
    }))
    .sort((a, b) => a.long.localeCompare(b.long));
}

const HELP: CompletionFlag = { long: 'help', char: 'h', takesValue: false, values: [], help: 'show help' };
const VERSION: CompletionFlag = { long: 'version', char: 'v', takesValue: false, values: [], help: 'print the version' };

/** Builds the completion model; hidden commands and flags are left out. */
export function completionModel(input: CompletionInput): CompletionModel {
  const children = new Map<string, Map<string, string>>();
  const leaves = new Map<string, string>();
  const commands = new Map<string, CompletionCommand>();
  // A word that is an alias prefix (`i`) describes itself as the id's prefix at that depth (`images`).
  const canonical = new Map<string, string>();
  // oclif lists each alias as a command of its own too (id = the alias): only the real ones count.
  const visible = input.commands.filter((c) => !c.hidden && !c.aliases?.includes(c.id)).sort((a, b) => a.id.localeCompare(b.id));
  const globals = flagsOf(input.globals);
  const same = (a: CompletionFlag, b: CompletionFlag | undefined): boolean => b !== undefined && a.takesValue === b.takesValue && a.char === b.char;
  for (const c of visible) {
    const help = firstLine(c.summary ?? c.description);
    const firstArg = Object.values(c.args ?? {})[0];
    let flags = flagsOf(c.flags ?? {});
    if (!flags.some((f) => f.long === 'help')) flags.push(HELP);
    const byName = new Map(flags.map((f) => [f.long, f]));
    const inheritsGlobals = globals.every((g) => same(g, byName.get(g.long)));
    if (inheritsGlobals) flags = flags.filter((f) => !globals.some((g) => g.long === f.long));
    commands.set(c.id, { id: c.id, help, flags, inheritsGlobals, argValues: [...(firstArg?.options ?? [])] });
    const idWords = c.id.split(':');
    for (const name of [c.id, ...(c.aliases ?? [])]) {
      const words = name.split(':');
      for (let i = 0; i < words.length; i++) {
        const parent = words.slice(0, i).join(' ');
        const self = words.slice(0, i + 1).join(' ');
        if (!children.has(parent)) children.set(parent, new Map());
        const siblings = children.get(parent) as Map<string, string>;
        if (i === words.length - 1) siblings.set(words[i], help);
        else if (!siblings.has(words[i])) siblings.set(words[i], '');
        if (words.length === idWords.length && !canonical.has(self)) canonical.set(self, idWords.slice(0, i + 1).join(' '));
      }
      leaves.set(words.join(' '), c.id);
    }
  }
  const out = new Map<string, CompletionWord[]>();
  for (const [parent, words] of children) {
    out.set(parent, [...words].sort(([a], [b]) => a.localeCompare(b)).map(([word, help]) => {
      const self = parent ? `${parent} ${word}` : word;
      const topic = (canonical.get(self) ?? self).split(' ').join(':');
      return { word, help: help || input.topics?.[topic] || '' };
    }));
  }
  const top = [...globals, ...[HELP, VERSION].filter((f) => !globals.some((g) => g.long === f.long))];
  return { tool: input.tool, children: out, leaves, commands, globals, top };
}
