/**
 * The one line a CLI prints for an error. Core errors are one line already; oclif's parse errors
 * span several (the object is named on the second line, then "See more help"), so they are folded
 * into one that still names the argument or flag and its cause.
 */
export function errorLine(message: string): string {
  const lines = message.replace(/^Error: /, '').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^See more help with/.test(l));
  const first = lines[0] ?? 'unknown error';
  const missing = /^Missing (\d+) required args?:$/.exec(first);
  if (missing) {
    const names = lines.slice(1).map((l) => l.split(/\s+/)[0]).filter((n): n is string => !!n);
    return `missing required argument${names.length > 1 ? 's' : ''} ${names.join(', ') || `(${missing[1]})`}: see --help`;
  }
  // urfave/cli's words for a flag value that does not parse, as ctr and crictl print them.
  const parsing = /^Parsing --(\S+)$/.exec(first);
  if (parsing) {
    const received = /received: (.*)$/.exec(lines[1] ?? '');
    return received ? `invalid value "${received[1]}" for flag -${parsing[1]}: ${(lines[1] as string).replace(/ but received: .*$/, '').toLowerCase()}` : `invalid value for flag -${parsing[1]}: ${lines.slice(1).join('; ')}`;
  }
  return first;
}
