/**
 * Entry of the runc clone. runc takes its global flags before the command
 * (`runc --root /x list`); oclif wants the command first, so global flags found before the
 * command are moved behind it. Nothing else is loaded here: this is the start-up path.
 */
const GLOBAL_WITH_VALUE = new Set(['--root', '--log', '--log-format', '--rootless', '--criu']);
const GLOBAL_BOOL = new Set(['--debug', '--systemd-cgroup']);

export function hoistGlobals(argv: string[]): string[] {
  const globals: string[] = [];
  let i = 0;
  while (i < argv.length && argv[i].startsWith('-')) {
    const a = argv[i];
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (GLOBAL_WITH_VALUE.has(name)) {
      if (a.includes('=')) { globals.push(a); i += 1; } else { globals.push(a, argv[i + 1] ?? ''); i += 2; }
    } else if (GLOBAL_BOOL.has(name)) {
      globals.push(a); i += 1;
    } else break; // --help, --version, -h, -v: leave for oclif
  }
  const rest = argv.slice(i);
  if (rest.length === 0) return globals.length ? ['--help'] : [];
  const [cmd, ...args] = rest;
  if (cmd.startsWith('-')) return rest;
  // Global flags go right after the command (before `--` and positional args is fine for oclif).
  return [cmd, ...globals, ...args];
}

export async function main(argv: string[], root: string): Promise<void> {
  const { run, flush, handle } = require('@oclif/core') as typeof import('@oclif/core');
  const args = hoistGlobals(argv);
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) args[0] = 'version';
  try {
    await run(args, root);
    await flush();
  } catch (err) {
    await handle(err as Error);
  }
}
