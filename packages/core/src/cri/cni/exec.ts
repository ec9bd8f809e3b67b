/**
 * Runs one CNI plugin by the protocol: the command and the container in CNI_* variables, the
 * network configuration on stdin, a result (or an error object) as JSON on stdout.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BerthError, NotFoundError } from '../../errors';
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
/** After the plugin's exit, how long its output may take to end (a child it left may hold the pipes). */
const DRAIN_MS = 1000;

interface PluginRun { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; failure?: string }

/**
 * Runs one plugin to its end: the configuration on stdin, its stdout and stderr collected. A
 * plugin that outlives the timeout, or writes more than MAX_OUTPUT, is killed (SIGKILL) and its
 * pipes closed; so are pipes still held open by a child it left behind, once it has exited: the
 * caller never waits past the timeout.
 */
function runPlugin(file: string, input: string, env: NodeJS.ProcessEnv): Promise<PluginRun> {
  return new Promise((resolve) => {
    const child = spawn(file, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let failure: string | undefined;
    let exit: { status: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(drain);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({
        status: exit?.status ?? null, signal: exit?.signal ?? null, failure,
        stdout: Buffer.concat(out).toString('utf8').trim(), stderr: Buffer.concat(err).toString('utf8').trim(),
      });
    };
    const giveUp = (why: string): void => {
      failure ??= why;
      try { child.kill('SIGKILL'); } catch { /* gone */ }
      finish();
    };
    const deadline = setTimeout(() => giveUp(`timed out after ${PLUGIN_TIMEOUT_MS / 1000}s`), PLUGIN_TIMEOUT_MS);
    let drain: NodeJS.Timeout | undefined;
    const take = (into: Buffer[]) => (b: Buffer): void => {
      size += b.length;
      if (size > MAX_OUTPUT) giveUp(`its output is larger than ${MAX_OUTPUT >> 20} MiB`);
      else into.push(b);
    };
    child.stdout.on('data', take(out));
    child.stderr.on('data', take(err));
    child.on('error', (e) => { failure ??= e.message; finish(); });
    child.on('exit', (status, signal) => {
      exit = { status, signal };
      drain = setTimeout(finish, DRAIN_MS);
    });
    child.on('close', finish);
    // A plugin may exit without reading its configuration (EPIPE): its exit status says why.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/**
 * Runs the plugin; resolves to its parsed stdout (empty for DEL/CHECK) or rejects with its error.
 * Asynchronous, so that independent networks (the pod's and its loopback) run side by side.
 */
export async function execPlugin(command: CniCommand, netName: string, config: JsonObject, rt: CniRuntime): Promise<JsonObject | undefined> {
  const type = String(config.type ?? '');
  const file = findPlugin(type, rt.binDirs);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    CNI_COMMAND: command,
    CNI_CONTAINERID: rt.containerId,
    CNI_NETNS: rt.netns,
    CNI_IFNAME: rt.ifName,
    CNI_ARGS: rt.args.map(([k, v]) => `${k}=${v}`).join(';'),
    CNI_PATH: rt.binDirs.join(':'),
  };
  const what = `CNI network "${netName}" plugin ${type} (${command.toLowerCase()})`;
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
