/**
 * `tasks exec`: a new process in a running task. Deviation from containerd (written down in the
 * report and README): the exec process is a child of the `ctr` that runs it, not of the shim, so
 * a detached exec's exit status is not recorded. Its pid is kept under execs/<exec-id>.pid for
 * `kill --exec-id` and `ps`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runtimeRootForNamespace, taskPaths } from '../layout';
import { AlreadyExistsError, InvalidArgumentError, StateError } from '../errors';
import { validateIdentifier } from '../metadata/validate';
import { execInContainer, execProcessFrom } from '../runtime/exec';
import { readRecord } from '../runtime/container';
import { taskInfo } from './records';
import { removeFile } from '../util/remove';
import { makeDirs } from '../util/make-dirs';

export interface ExecTaskOptions {
  state: string;
  namespace: string;
  id: string;
  execId: string;
  args: string[];
  tty?: boolean;
  detach?: boolean;
  cwd?: string;
  /** uid[:gid] or a user name of the container's /etc/passwd. */
  user?: string;
  env?: string[];
  /** stdout and stderr appended to this file (--log-uri file://); not with a tty. */
  logFile?: string;
}

export async function execTask(o: ExecTaskOptions): Promise<number> {
  if (!o.execId) throw new InvalidArgumentError('exec id must be provided');
  // containerd's identifier rule (the id names a file of the task's execs directory).
  validateIdentifier('exec id', o.execId);
  if (o.args.length === 0) throw new InvalidArgumentError('exec: a command to run must be given');
  if (o.tty && o.logFile !== undefined) throw new InvalidArgumentError("can't use log-uri with tty");
  const t = taskInfo(o.state, o.namespace, o.id);
  if (t.status !== 'RUNNING') throw new StateError(t.reason ?? `task ${o.id}: cannot exec in a ${t.status.toLowerCase()} task`);
  const root = runtimeRootForNamespace(o.state, o.namespace);
  const dir = taskPaths(o.state, o.namespace, o.id).execs;
  makeDirs(dir);
  const pidFile = path.join(dir, `${o.execId}.pid`);
  try {
    fs.writeFileSync(pidFile, '', { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new AlreadyExistsError(`task ${o.id}: exec id ${o.execId} already exists`);
    throw err;
  }
  let ours = '';
  try {
    const user = o.user ? resolveUser(readRecord(root, o.id).rootfs, o.user) : undefined;
    // -u as containerd's WithUser: the user's uid and gid only, the container's extra groups
    // dropped (root's group 0 among them).
    const proc = execProcessFrom(root, o.id, { args: o.args, env: o.env, cwd: o.cwd, user, tty: o.tty, ...(user ? { additionalGids: [] } : {}) });
    // Detached: ctr returns at once, so the process gets /dev/null, not ctr's stdio (a caller
    // reading ctr's output would wait for the process).
    const code = await execInContainer({
      root, id: o.id, process: proc, detach: o.detach, pidFile, nullIo: o.detach === true && o.tty !== true && o.logFile === undefined, relayStdio: true, logFile: o.logFile,
      started: (pid) => { ours = String(pid); },
    });
    if (!o.detach) releaseExecId(pidFile, ours);
    return code;
  } catch (err) {
    releaseExecId(pidFile, ours);
    throw err;
  }
}

/**
 * Frees the exec id, unless it is someone else's by now: a `delete -f --exec-id` frees it while
 * we still take the process's last output, and a new exec of that id may have claimed it since.
 * `ours`: the pid we wrote ('' before the process ran).
 */
function releaseExecId(pidFile: string, ours: string): void {
  let now: string;
  try { now = fs.readFileSync(pidFile, 'utf8').trim(); } catch { return; }
  if (now === ours) removeFile(pidFile);
}

/** "uid[:gid]" or "name[:group]", names looked up in the container's own passwd and group files. */
export function resolveUser(rootfs: string, spec: string): { uid: number; gid?: number } {
  const [u, g] = spec.split(':', 2);
  const lookup = (file: string, name: string, idField: number): string[] | undefined => {
    try {
      return fs.readFileSync(path.join(rootfs, 'etc', file), 'utf8').split('\n').map((l) => l.split(':')).find((f) => f[0] === name && f.length > idField);
    } catch { return undefined; }
  };
  let uid: number;
  let gid: number | undefined;
  if (/^\d+$/.test(u)) uid = Number(u);
  else {
    const f = lookup('passwd', u, 3);
    if (!f) throw new InvalidArgumentError(`user ${u}: no such user in the container's /etc/passwd`);
    uid = Number(f[2]);
    gid = Number(f[3]);
  }
  if (g !== undefined) {
    if (/^\d+$/.test(g)) gid = Number(g);
    else {
      const f = lookup('group', g, 2);
      if (!f) throw new InvalidArgumentError(`group ${g}: no such group in the container's /etc/group`);
      gid = Number(f[2]);
    }
  }
  return gid === undefined ? { uid } : { uid, gid };
}
