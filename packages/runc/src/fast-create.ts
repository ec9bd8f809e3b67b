/**
 * runc's `create` and `run` in their plain forms (fast-forms.ts) without the CLI framework, from
 * dist/fast-create.bundle.js: the init stage, which launch.js has prespawned (prespawn.ts), is
 * ready sooner than the CLI bundle and oclif would be. They go on asynchronously once fast()
 * returns; their errors end the process here, as RuncCommandBase.catch would.
 */
import { trace } from '@berth/core/dist/util/trace';
import { GLOBALS } from './globals';
import { openLog } from './log';
import { fail, hoisted, parse, type Parsed } from './fast-forms';

const SERVED: ReadonlySet<string> = new Set(['create', 'run']);

/** The commands' own calls (commands/create.ts, commands/run.ts). */
async function runContainerCommand({ command, root, args, flags }: Parsed): Promise<void> {
  const { listenFds } = require('./fds') as typeof import('./fds');
  const str = (name: string): string | undefined => (typeof flags[name] === 'string' ? flags[name] as string : undefined);
  const opts = {
    root, id: args[0] as string, bundle: str('bundle') ?? '.', pidFile: str('pid-file'), consoleSocket: str('console-socket'),
    noPivot: flags['no-pivot'] === true, noNewKeyring: flags['no-new-keyring'] === true, preserveFds: listenFds() + Number(str('preserve-fds') ?? 0),
  };
  if (command === 'create') {
    const { createContainer } = require('@berth/core/dist/runtime/create') as typeof import('@berth/core/dist/runtime/create');
    (await createContainer(opts)).child.unref();
    return;
  }
  const { runContainer } = require('@berth/core/dist/runtime/run') as typeof import('@berth/core/dist/runtime/run');
  const code = await runContainer({ ...opts, detach: flags.detach === true, keep: flags.keep === true });
  (require('@berth/core/dist/sys/exec') as typeof import('@berth/core/dist/sys/exec')).exitNow(code);
}

/** Serves `argv` (the command line as given) and returns true, or returns false for oclif. */
export function fast(argv: string[]): boolean {
  const parsed = parse(argv, SERVED);
  if (!parsed) return false;
  trace(`fast: ${parsed.command}`);
  openLog(argv, GLOBALS.withValue);
  // launch.js has spawned the init stage (prespawn.ts); this call now only starts paying the
  // cgroup moves' grace period (core/src/runtime/cgroup-join.ts), as cli.ts's does.
  const { prespawnInit } = require('@berth/core/dist/runtime/prespawn') as typeof import('@berth/core/dist/runtime/prespawn');
  prespawnInit(hoisted(argv).slice(1));
  runContainerCommand(parsed).catch((err: unknown) => fail(argv, err));
  return true;
}
