/**
 * The one line a CLI prints for an error. Core errors are one line already; oclif's parse errors
 * span several (the object is named on the second line, then "See more help"), so they are folded
 * into one that still names the argument or flag and its cause. Node's fs errors read as the core's
 * (`mkdir PATH: not a directory`), and a permission refused to a non-root user says to run as root.
 */
export function errorLine(message: string): string {
  let lines = message.replace(/^Error: /, '').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^See more help with/.test(l));
  // oclif's heading over a list of flag errors: the errors themselves say what is wrong.
  if (/^The following errors? occurred:$/.test(lines[0] ?? '') && lines.length > 1) lines = lines.slice(1);
  const first = lines[0] ?? 'unknown error';
  // urfave/cli's words for a required flag left out, as ctr and crictl print them.
  const required = /^Missing required flag:? (?:--)?([\w-]+)/.exec(first);
  if (required) return `Required flag "${required[1]}" not set`;
  const missing = /^Missing (\d+) required args?:$/.exec(first);
  if (missing) {
    // oclif's list: a name at the start of a line, its description after it and wrapped below
    // (indented); a blank line, then notes.
    const raw = message.split('\n').slice(1);
    const end = raw.findIndex((l) => l.trim() === '');
    const names = (end < 0 ? raw : raw.slice(0, end)).filter((l) => /^\S/.test(l) && !/^See more help with/.test(l)).map((l) => l.split(/\s+/)[0]).filter((n): n is string => !!n);
    return `missing required argument${names.length > 1 ? 's' : ''} ${names.join(', ') || `(${missing[1]})`}: see --help`;
  }
  // urfave/cli's words for a flag value that does not parse, as ctr and crictl print them.
  const parsing = /^Parsing --(\S+)$/.exec(first);
  if (parsing) {
    const received = /received: (.*)$/.exec(lines[1] ?? '');
    return received ? `invalid value "${received[1]}" for flag -${parsing[1]}: ${(lines[1] as string).replace(/ but received: .*$/, '').toLowerCase()}` : `invalid value for flag -${parsing[1]}: ${lines.slice(1).join('; ')}`;
  }
  return withFix(nodeFsError(first));
}

/** Node's fs errors (`ENOTDIR: not a directory, mkdir '/x/y'`) in the core's shape: `mkdir /x/y: not a directory`. */
function nodeFsError(line: string): string {
  const m = /^E[A-Z]+: ([^,]+), (\w+) '([^']*)'(?: -> '([^']*)')?$/.exec(line);
  if (!m) return line;
  return `${m[2]} ${m[3]}${m[4] !== undefined ? ` ${m[4]}` : ''}: ${m[1]}`;
}

/** berth works as root (namespaces, mounts, cgroups, the state under /var/lib and /run). */
function withFix(line: string): string {
  if (/(?:permission denied|operation not permitted)$/.test(line) && typeof process.getuid === 'function' && process.getuid() !== 0) return `${line}: run as root`;
  return line;
}
