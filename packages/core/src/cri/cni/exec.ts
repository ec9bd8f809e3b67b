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
  const r = await new Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(file, [], { env, timeout: PLUGIN_TIMEOUT_MS, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const take = (into: Buffer[]) => (b: Buffer): void => {
      size += b.length;
      if (size > MAX_OUTPUT) child.kill('SIGKILL');
      else into.push(b);
    };
    child.stdout.on('data', take(out));
    child.stderr.on('data', take(err));
    child.on('error', (e) => reject(new CniPluginError(`${what}: ${e.message}`)));
    child.on('close', (status, signal) => resolve({
      status, signal, stdout: Buffer.concat(out).toString('utf8').trim(), stderr: Buffer.concat(err).toString('utf8').trim(),
    }));
    // A plugin may exit without reading its configuration (EPIPE): its exit status says why.
    child.stdin.on('error', () => {});
    child.stdin.end(JSON.stringify(config));
  });
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
