/**
 * The lookup tables every shell's script is made of, as plain strings: what follows a path,
 * which command a path names, a command's own flags, which of them take a value, and the values.
 * Id '' is the top level (before any command word); its flags include the globals, which every
 * command not listed in `noGlobals` takes as well (the scripts add them: they are not repeated).
 */
import type { CompletionFlag, CompletionModel } from './model';

export interface CompletionTables {
  /** path → the words that may follow, space-separated. */
  words: Map<string, string>;
  /** path → command id. */
  leaves: Map<string, string>;
  /** command id ('' for the top) → every flag form (--long and -c), space-separated. */
  flags: Map<string, string>;
  /** command id → the flag forms that take a value. */
  valued: Map<string, string>;
  /** "<id> <flag form>" → the flag's fixed values (" <form>" for the top's and the globals'). */
  values: Map<string, string>;
  /** command id → the first argument's fixed values. */
  args: Map<string, string>;
  /** The globals' forms, and those of them that take a value. */
  globalForms: string;
  globalValued: string;
  /** Ids of the commands that do not take the globals as they are (their flags are complete). */
  noGlobals: string;
}

export const forms = (f: CompletionFlag): string[] => [`--${f.long}`, ...(f.char ? [`-${f.char}`] : [])];
const valuedForms = (flags: CompletionFlag[]): string => flags.filter((f) => f.takesValue).flatMap(forms).join(' ');

export function completionTables(m: CompletionModel): CompletionTables {
  const t: CompletionTables = {
    words: new Map(), leaves: m.leaves, flags: new Map(), valued: new Map(), values: new Map(), args: new Map(),
    globalForms: m.globals.flatMap(forms).join(' '),
    globalValued: valuedForms(m.globals),
    noGlobals: [...m.commands.values()].filter((c) => !c.inheritsGlobals).map((c) => c.id).join(' '),
  };
  for (const [p, ws] of m.children) t.words.set(p, ws.map((w) => w.word).join(' '));
  const add = (id: string, flags: CompletionFlag[]): void => {
    t.flags.set(id, flags.flatMap(forms).join(' '));
    t.valued.set(id, valuedForms(flags));
    for (const f of flags) for (const form of forms(f)) if (f.values.length) t.values.set(`${id} ${form}`, f.values.join(' '));
  };
  add('', m.top);
  for (const [id, c] of m.commands) {
    add(id, c.flags);
    if (c.argValues.length) t.args.set(id, c.argValues.join(' '));
  }
  return t;
}
