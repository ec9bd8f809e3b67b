/**
 * Runs one CNI plugin by the protocol: the command and the container in CNI_* variables, the
 * network configuration on stdin, a result (or an error object) as JSON on stdout.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BerthError, CanceledError, NotFoundError } from '../../errors';
import { closeFd, memFile, writtenLength } from '../../sys/file';
import { SpawnedChild, spawnHelper } from '../../sys/spawn';
import type { CniRuntime, JsonObject } from './types';

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION';

/** A plugin that ran and said no (its error code and message). */
export class CniPluginError extends BerthError {
  constructor(message: string) { super('ECNI', message); }
}

const PLUGIN_TIMEOUT_MS = 60_000;

/** The first executable named `type` in the bin dirs (CNI_PATH order). */
export function findPlugin(type: string, binDirs: string[]): string {
  if (type === '' || type.includes('/')) throw new CniPluginError(`CNI plugin type ${JSON.stringify(type)}: not a plugin name`);
  for (const dir of binDirs) {
    const file = path.join(dir, type);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch { /* next dir */ }
  }
  throw new NotFoundError(`CNI plugin "${type}": not found in ${binDirs.join(':')} (install it or set --cni-bin-dir)`);
}

const MAX_OUTPUT = 16 << 20;
/** Where a plugin's output files stop growing (its writes then fail): RAM it may take at most. */
const OUTPUT_CAP = 4 * MAX_OUTPUT;

interface PluginRun { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; failure?: string }

/** What the plugin wrote to one of its memFiles (the file's shared offset says how much). */
function written(fd: number): { text: string; over: boolean } {
  const n = writtenLength(fd);
  const buf = Buffer.alloc(Math.min(n, MAX_OUTPUT));
  const got = buf.length === 0 ? 0 : fs.readSync(fd, buf, 0, buf.length, 0);
  // Over the limit: more than it (a write across the cap fails whole, so n may stop short of it).
  return { text: buf.subarray(0, got).toString('utf8').trim(), over: n > MAX_OUTPUT };
}

/**
 * Runs one plugin to its end: the configuration on its stdin, its stdout and stderr anonymous
 * files read once it has exited (sys/spawn.ts's spawnHelper: no fork of this process, no
 * pipes to drain, nothing a child it leaves behind can hold open). Output past MAX_OUTPUT fails
 * the call; each file is sealed at OUTPUT_CAP, past which the plugin's writes fail. A plugin
 * that outlives the timeout is killed (SIGKILL).
 */
function runPlugin(file: string, input: string, env: Record<string, string>): Promise<PluginRun> {
  const fds: number[] = [];
  const closeAll = (): void => { for (const fd of fds) closeFd(fd); };
  let pid: number;
  try {
    const stdin = memFile('cni-stdin');
    fds.push(stdin);
    fs.writeSync(stdin, input, 0); // pwrite: the shared offset stays at 0 for the plugin's reads
    fds.push(memFile('cni-stdout', OUTPUT_CAP), memFile('cni-stderr', OUTPUT_CAP));
    // A session of its own: a terminal's Ctrl-C (meant for crictl) does not stop it half-way.
    pid = spawnHelper(file, [file], env, fds, { setsid: true });
  } catch (err) {
    closeAll();
    return Promise.resolve({ status: null, signal: null, stdout: '', stderr: '', failure: (err as Error).message });
  }
  const child = new SpawnedChild(pid);
  return new Promise((resolve) => {
    let failure: string | undefined;
    const deadline = setTimeout(() => {
      failure = `timed out after ${PLUGIN_TIMEOUT_MS / 1000}s`;
      child.kill('SIGKILL');
    }, PLUGIN_TIMEOUT_MS);
    child.once('exit', (status, signal) => {
      clearTimeout(deadline);
      try {
        const out = written(fds[1] as number);
        const err = written(fds[2] as number);
        if (out.over || err.over) failure ??= `its output is larger than ${MAX_OUTPUT >> 20} MiB`;
        resolve({ status, signal, stdout: out.text, stderr: err.text, failure });
      } finally {
        closeAll();
      }
    });
  });
}

/** Throws CanceledError, saying `what` and why, when `signal` has been aborted. */
export function throwIfCanceled(signal: AbortSignal | undefined, what: string): void {
  if (!signal?.aborted) return;
  const why: unknown = signal.reason;
  throw why instanceof CanceledError ? new CanceledError(`${what}: ${why.message}`, why.deadline) : new CanceledError(`${what}: ${String(why)}`);
}

/**
 * Runs the plugin; resolves to its parsed stdout (empty for DEL/CHECK) or rejects with its error.
 * Asynchronous, so that independent networks (the pod's and its loopback) run side by side.
 */
export async function execPlugin(command: CniCommand, netName: string, config: JsonObject, rt: CniRuntime): Promise<JsonObject | undefined> {
  const type = String(config.type ?? '');
  const file = findPlugin(type, rt.binDirs);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    CNI_COMMAND: command,
    CNI_CONTAINERID: rt.containerId,
    CNI_NETNS: rt.netns,
    CNI_IFNAME: rt.ifName,
    CNI_ARGS: rt.args.map(([k, v]) => `${k}=${v}`).join(';'),
    CNI_PATH: rt.binDirs.join(':'),
  };
  const what = `CNI network "${netName}" plugin ${type} (${command.toLowerCase()})`;
  throwIfCanceled(rt.signal, `CNI network "${netName}"`);
  const r = await runPlugin(file, JSON.stringify(config), env);
  if (r.failure) throw new CniPluginError(`${what}: ${r.failure}`);
  const out = r.stdout;
  if (r.status !== 0) {
    let msg = r.stderr.split('\n')[0] || `exit status ${r.status ?? r.signal}`;
    try {
      const e = JSON.parse(out) as { code?: number; msg?: string; details?: string };
      if (e.msg) msg = `${e.msg}${e.details ? `: ${e.details}` : ''}`;
    } catch { /* not JSON: stderr or the exit status says it */ }
    throw new CniPluginError(`${what}: ${msg.replace(/\s*\n\s*/g, ' ')}`);
  }
  if (out === '') return undefined;
  try {
    return JSON.parse(out) as JsonObject;
  } catch {
    throw new CniPluginError(`${what}: the result is not JSON`);
  }
}
