/**
 * `run`: create + start, then (in the foreground) wait for the init, forward signals, relay the
 * terminal, and delete unless --keep. Returns the exit status runc would: the container's code,
 * or 128 + the signal that killed it.
 */
import { InvalidArgumentError } from '../errors';
import { createContainer, type CreateOptions, type Created } from './create';
import { deleteContainer, startContainer } from './lifecycle';
import { closeFd } from '../sys/file';
import { socketpair } from '../sys/socket';
import { loadSpec } from '../oci/validate';
import { waitForeground } from './foreground';
import { trace } from '../util/trace';

export interface RunOptions extends CreateOptions {
  detach?: boolean;
  keep?: boolean;
}

export async function runContainer(opts: RunOptions): Promise<number> {
  // The spec is validated once, here, and handed to create.
  const spec = loadSpec(opts.bundle);
  // As runc: in the foreground the terminal is run's own (a console socket is for a detached one).
  if (!opts.detach && opts.consoleSocket) throw new InvalidArgumentError('cannot use console socket if runc will not detach or allocate tty');
  let ourEnd: number | undefined;
  let consoleFd: number | undefined;
  if (!opts.detach && !opts.consoleSocket && spec.process?.terminal === true) {
    [ourEnd, consoleFd] = socketpair();
  }
  let created: Created;
  try {
    created = await createContainer({ ...opts, spec, consoleFd });
  } finally {
    // Our copy of the init's end must go, or an init that dies early leaves receiveConsole waiting.
    if (consoleFd !== undefined) closeFd(consoleFd);
  }
  const master = ourEnd === undefined ? undefined : (require('./console') as typeof import('./console')).takeConsole(ourEnd);
  try {
    startContainer(opts.root, opts.id);
  } catch (err) {
    try { deleteContainer(opts.root, opts.id, true); } catch { /* report the start error */ }
    throw err;
  }
  if (opts.detach) {
    created.child.unref();
    return 0;
  }
  const code = await waitForeground(created.child, created.record.initPid, master);
  trace('run: container exited');
  if (!opts.keep) deleteContainer(opts.root, opts.id, true);
  return code;
}
