/** User namespaces for the init stage, made by single-threaded util-linux tools. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { InvalidArgumentError, UnsupportedError } from '../errors';
import type { Spec } from '../oci/types';
import { InitError } from './converse';
import { initEnv } from './init-env';

/**
 * Node is multithreaded and can neither unshare nor setns a user namespace. A short-lived holder
 * (util-linux unshare(1), single-threaded) creates it; we write its id maps (root on the host may
 * write any mapping, without newuidmap's /etc/subuid rules); nsenter(1) then enters it as uid 0
 * of the namespace with full capabilities there, and a PID namespace is made inside it so the
 * container owns its /proc.
 */
export async function holdUserNamespace(spec: Spec): Promise<{ nsPath: string; release(): void }> {
  if (!spec.linux?.uidMappings?.length || !spec.linux.gidMappings?.length) {
    throw new InvalidArgumentError('a user namespace needs linux.uidMappings and linux.gidMappings');
  }
  const holder = spawn('unshare', ['--user', '--', 'sleep', 'infinity'], { stdio: 'ignore', env: initEnv({}) });
  const release = (): void => { try { holder.kill('SIGKILL'); } catch { /* gone */ } };
  const own = fs.readlinkSync('/proc/self/ns/user');
  const nsPath = `/proc/${holder.pid}/ns/user`;
  const deadline = Date.now() + 5000;
  for (;;) {
    let current: string | undefined;
    try { current = fs.readlinkSync(nsPath); } catch { current = undefined; }
    if (current && current !== own) break;
    if (holder.exitCode !== null || Date.now() > deadline) { release(); throw new InitError('could not create a user namespace (unshare --user failed)'); }
    await new Promise((r) => setTimeout(r, 1));
  }
  const lines = (m: { containerID: number; hostID: number; size: number }[]): string => m.map((e) => `${e.containerID} ${e.hostID} ${e.size}\n`).join('');
  try {
    fs.writeFileSync(`/proc/${holder.pid}/uid_map`, lines(spec.linux.uidMappings));
    fs.writeFileSync(`/proc/${holder.pid}/gid_map`, lines(spec.linux.gidMappings));
  } catch (err) {
    release();
    throw new InvalidArgumentError(`linux.uidMappings/gidMappings: the kernel refused the mapping: ${(err as Error).message}`);
  }
  return { nsPath, release };
}

export function pidNamespaceArgs(spec: Spec): string[] {
  const pidNs = spec.linux?.namespaces?.find((n) => n.type === 'pid');
  if (!pidNs) return [];
  if (pidNs.path) throw new UnsupportedError('joining a PID namespace by path together with a new user namespace is not supported by berth');
  return ['unshare', '--pid', '--fork', '--kill-child', '--'];
}
