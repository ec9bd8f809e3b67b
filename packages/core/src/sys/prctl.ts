/**
 * prctl(2) and the named operations the init stage needs. Most prctl options act on the
 * calling thread only (bounding set, ambient set, keep-caps, no_new_privs, name): the
 * init stage calls them from Node's main thread, which is the thread that later execve's,
 * so the other Node threads keeping their old values does not matter (execve ends them).
 */
import { call } from './libc';

export const PR_SET_PDEATHSIG = 1;
export const PR_GET_DUMPABLE = 3;
export const PR_SET_DUMPABLE = 4;
export const PR_GET_KEEPCAPS = 7;
export const PR_SET_KEEPCAPS = 8;
export const PR_SET_NAME = 15;
export const PR_GET_SECCOMP = 21;
export const PR_CAPBSET_READ = 23;
export const PR_CAPBSET_DROP = 24;
export const PR_SET_CHILD_SUBREAPER = 36;
export const PR_GET_CHILD_SUBREAPER = 37;
export const PR_SET_NO_NEW_PRIVS = 38;
export const PR_GET_NO_NEW_PRIVS = 39;
export const PR_CAP_AMBIENT = 47;
export const PR_CAP_AMBIENT_IS_SET = 1;
export const PR_CAP_AMBIENT_RAISE = 2;
export const PR_CAP_AMBIENT_LOWER = 3;
export const PR_CAP_AMBIENT_CLEAR_ALL = 4;

type Arg = number | bigint;

// glibc declares prctl variadic; every option we use takes unsigned longs, which the
// x86_64 and aarch64 ABIs pass the same way to a fixed and a variadic prototype.
const PROTO = 'int prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)';
// PR_SET_NAME passes a pointer: a separate prototype lets koffi marshal the string.
const PROTO_STR = 'int prctl(int option, const char *a2, unsigned long a3, unsigned long a4, unsigned long a5)';

/** Raw prctl; returns the call's non-negative result, throws SysError on -1. */
export function prctl(option: number, a2: Arg = 0, a3: Arg = 0, a4: Arg = 0, a5: Arg = 0): number {
  return call(PROTO, 'prctl', `option ${option}`, option, a2, a3, a4, a5);
}

/** no_new_privs: execve can never grant privileges again (setuid bits, file caps). */
export function setNoNewPrivs(): void {
  call(PROTO, 'prctl', 'PR_SET_NO_NEW_PRIVS', PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

export function getNoNewPrivs(): boolean {
  return call(PROTO, 'prctl', 'PR_GET_NO_NEW_PRIVS', PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) === 1;
}

/** Non-dumpable also makes /proc/<pid>/* of this process root-owned and unptraceable. */
export function setDumpable(on: boolean): void {
  call(PROTO, 'prctl', 'PR_SET_DUMPABLE', PR_SET_DUMPABLE, on ? 1 : 0, 0, 0, 0);
}

export function getDumpable(): boolean {
  return call(PROTO, 'prctl', 'PR_GET_DUMPABLE', PR_GET_DUMPABLE, 0, 0, 0, 0) === 1;
}

/** Keep permitted capabilities across a change of all uids away from 0. */
export function setKeepCaps(on: boolean): void {
  call(PROTO, 'prctl', 'PR_SET_KEEPCAPS', PR_SET_KEEPCAPS, on ? 1 : 0, 0, 0, 0);
}

export function getKeepCaps(): boolean {
  return call(PROTO, 'prctl', 'PR_GET_KEEPCAPS', PR_GET_KEEPCAPS, 0, 0, 0, 0) === 1;
}

/** Signal delivered to this process when its parent (thread) dies; 0 clears it. */
export function setPdeathsig(sig: number): void {
  call(PROTO, 'prctl', 'PR_SET_PDEATHSIG', PR_SET_PDEATHSIG, sig, 0, 0, 0);
}

/** Whether this process is a child subreaper. */
export function getChildSubreaper(): boolean {
  const out = Buffer.alloc(4);
  call('int prctl(int, void *, unsigned long, unsigned long, unsigned long)', 'prctl', 'PR_GET_CHILD_SUBREAPER', PR_GET_CHILD_SUBREAPER, out, 0, 0, 0);
  return out.readInt32LE(0) !== 0;
}

/** Orphaned descendants are reparented to this process instead of init (`on` false: no longer). */
export function setChildSubreaper(on = true): void {
  call(PROTO, 'prctl', 'PR_SET_CHILD_SUBREAPER', PR_SET_CHILD_SUBREAPER, on ? 1 : 0, 0, 0, 0);
}

/** Whether `cap` is in the calling thread's bounding set. */
export function capBsetRead(cap: number): boolean {
  return call(PROTO, 'prctl', `PR_CAPBSET_READ ${cap}`, PR_CAPBSET_READ, cap, 0, 0, 0) === 1;
}

/** Removes `cap` from the bounding set (needs CAP_SETPCAP in the effective set). */
export function capBsetDrop(cap: number): void {
  call(PROTO, 'prctl', `PR_CAPBSET_DROP ${cap}`, PR_CAPBSET_DROP, cap, 0, 0, 0);
}

/** Adds `cap` to the ambient set; it must be permitted and inheritable already. */
export function capAmbientRaise(cap: number): void {
  call(PROTO, 'prctl', `PR_CAP_AMBIENT_RAISE ${cap}`, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
}

export function capAmbientIsSet(cap: number): boolean {
  return call(PROTO, 'prctl', `PR_CAP_AMBIENT_IS_SET ${cap}`, PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) === 1;
}

export function capAmbientClearAll(): void {
  call(PROTO, 'prctl', 'PR_CAP_AMBIENT_CLEAR_ALL', PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
}

/** The calling thread's name (/proc/self/comm); the kernel truncates it to 15 bytes. */
export function setName(name: string): void {
  call(PROTO_STR, 'prctl', 'PR_SET_NAME', PR_SET_NAME, name, 0, 0, 0);
}

/** 0: no seccomp, 1: strict, 2: filter. */
export function getSeccompMode(): number {
  return call(PROTO, 'prctl', 'PR_GET_SECCOMP', PR_GET_SECCOMP, 0, 0, 0, 0);
}
