/**
 * `run`: create + start, then (in the foreground) wait for the init, forward signals, relay the
 * terminal, and delete unless --keep. Returns the exit status runc would: the container's code,
 * or 128 + the signal that killed it.
 */
import { createContainer, type CreateOptions } from './create';
import { deleteContainer, startContainer } from './lifecycle';
import { closeFd } from '../sys/file';

export interface RunOptions extends CreateOptions {
  detach?: boolean;
  keep?: boolean;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGCONT'];

export async function runContainer(opts: RunOptions): Promise<number> {
  let relayDone: Promise<void> | undefined;
  let ourEnd: number | undefined;
  let createOpts: CreateOptions = opts;
  const wantsTerminal = !opts.detach && !opts.consoleSocket && terminalRequested(opts);
  if (wantsTerminal) {
    const { socketpair } = require('../sys/socket') as typeof import('../sys/socket');
    const [a, b] = socketpair();
    ourEnd = a;
    createOpts = { ...opts, consoleFd: b };
  }
  const { record, child } = await createContainer(createOpts);
  if (wantsTerminal && ourEnd !== undefined && createOpts.consoleFd !== undefined) {
    closeFd(createOpts.consoleFd);
    const { receiveConsole, relayTerminal } = require('./console') as typeof import('./console');
    const master = receiveConsole(ourEnd);
    closeFd(ourEnd);
    relayDone = relayTerminal(master, {});
  }
  try {
    startContainer(opts.root, opts.id);
  } catch (err) {
    try { deleteContainer(opts.root, opts.id, true); } catch { /* report the start error */ }
    throw err;
  }
  if (opts.detach) {
    child.unref();
    return 0;
  }
  const handlers = FORWARDED.map((sig) => {
    const h = (): void => { try { process.kill(record.initPid, sig); } catch { /* exited */ } };
    process.on(sig, h);
    return [sig, h] as const;
  });
  const code = await new Promise<number>((resolve) => {
    child.once('exit', (c, signal) => {
      resolve(c ?? 128 + (signal ? (require('node:os') as typeof import('node:os')).constants.signals[signal] : 0));
    });
  });
  for (const [sig, h] of handlers) process.off(sig, h);
  if (relayDone) await relayDone.catch(() => undefined);
  if (!opts.keep) deleteContainer(opts.root, opts.id, true);
  return code;
}

function terminalRequested(opts: RunOptions): boolean {
  // The spec decides; the bundle is read again by create (cheap, and keeps one source of truth).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadSpec } = require('../oci/validate') as typeof import('../oci/validate');
  return loadSpec(opts.bundle).process?.terminal === true;
}
