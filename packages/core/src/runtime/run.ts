/**
 * `run`: create + start, then (in the foreground) wait for the init, forward signals, relay the
 * terminal, and delete unless --keep. Returns the exit status runc would: the container's code,
 * or 128 + the signal that killed it.
 */
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
  let ourEnd: number | undefined;
  let createOpts: CreateOptions = opts;
  const wantsTerminal = !opts.detach && !opts.consoleSocket && loadSpec(opts.bundle).process?.terminal === true;
  if (wantsTerminal) {
    const [a, b] = socketpair();
    ourEnd = a;
    createOpts = { ...opts, consoleFd: b };
  }
  let created: Created;
  try {
    created = await createContainer(createOpts);
  } finally {
    // Our copy of the init's end must go, or an init that dies early leaves receiveConsole waiting.
    if (createOpts.consoleFd !== undefined && createOpts !== opts) closeFd(createOpts.consoleFd);
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
