/**
 * Runs one CNI plugin by the protocol: the command and the container in CNI_* variables, the
 * network configuration on stdin, a result (or an error object) as JSON on stdout.
 */
import { spawnSync } from 'node:child_process';
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

/** Runs the plugin; returns its parsed stdout (empty for DEL/CHECK) or throws its error. */
export function execPlugin(command: CniCommand, netName: string, config: JsonObject, rt: CniRuntime): JsonObject | undefined {
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
  const r = spawnSync(file, [], { input: JSON.stringify(config), env, timeout: PLUGIN_TIMEOUT_MS, maxBuffer: 16 << 20 });
  const what = `CNI network "${netName}" plugin ${type} (${command.toLowerCase()})`;
  if (r.error) throw new CniPluginError(`${what}: ${r.error.message}`);
  const out = r.stdout.toString('utf8').trim();
  if (r.status !== 0) {
    let msg = r.stderr.toString('utf8').trim().split('\n')[0] || `exit status ${r.status ?? r.signal}`;
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
