/** Namespaces: unshare(2), setns(2), and the CLONE_* flags per OCI namespace type. */
import * as fs from 'node:fs';
import { call } from './libc';
import { O_CLOEXEC } from './file';
import type { LinuxNamespaceType } from '../oci/types';

export const CLONE_FS = 0x00000200;
export const CLONE_NEWTIME = 0x00000080;
export const CLONE_NEWNS = 0x00020000;
export const CLONE_NEWCGROUP = 0x02000000;
export const CLONE_NEWUTS = 0x04000000;
export const CLONE_NEWIPC = 0x08000000;
export const CLONE_NEWUSER = 0x10000000;
export const CLONE_NEWPID = 0x20000000;
export const CLONE_NEWNET = 0x40000000;

export const NAMESPACE_FLAGS: Record<LinuxNamespaceType, number> = {
  pid: CLONE_NEWPID,
  network: CLONE_NEWNET,
  mount: CLONE_NEWNS,
  ipc: CLONE_NEWIPC,
  uts: CLONE_NEWUTS,
  user: CLONE_NEWUSER,
  cgroup: CLONE_NEWCGROUP,
  time: CLONE_NEWTIME,
};

/** The name of each namespace under /proc/<pid>/ns/. */
export const NAMESPACE_PROC_NAMES: Record<LinuxNamespaceType, string> = {
  pid: 'pid',
  network: 'net',
  mount: 'mnt',
  ipc: 'ipc',
  uts: 'uts',
  user: 'user',
  cgroup: 'cgroup',
  time: 'time',
};

export function unshare(flags: number): void {
  call('int unshare(int)', 'unshare', `0x${flags.toString(16)}`, flags);
}

/** Joins the namespace open at `fd`; `nstype` 0 accepts any type. */
export function setnsFd(fd: number, nstype: number, what: string): void {
  call('int setns(int, int)', 'setns', what, fd, nstype);
}

/** Joins the namespace at `path` (e.g. /proc/123/ns/net). */
export function setnsPath(path: string, nstype: number): void {
  const fd = fs.openSync(path, fs.constants.O_RDONLY | O_CLOEXEC);
  try {
    setnsFd(fd, nstype, path);
  } finally {
    fs.closeSync(fd);
  }
}
