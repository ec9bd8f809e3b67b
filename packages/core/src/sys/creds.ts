/**
 * Process credentials. These use glibc's wrappers on purpose, not raw syscalls: on Linux
 * the uid/gid/groups of a process are per thread, and glibc's setresuid/setresgid/setgroups
 * broadcast the change to every thread of the process (the "setxid" signal dance). Node is
 * multithreaded from its start, so a raw syscall would change only the main thread and
 * leave libuv/V8 threads running as root.
 */
import { call, fn } from './libc';

/** uid_t/gid_t -1: "leave this id unchanged". */
export const ID_UNCHANGED = 0xffffffff;

function id(v: number): number {
  return v === -1 ? ID_UNCHANGED : v;
}

/** Replaces the supplementary groups (needs CAP_SETGID; EPERM in a userns with setgroups denied). */
export function setgroups(gids: readonly number[]): void {
  const list = gids.length ? Uint32Array.from(gids) : null;
  call('int setgroups(size_t size, const uint32_t *list)', 'setgroups', `[${gids.join(',')}]`, gids.length, list);
}

/** Sets real, effective and saved gids; -1 keeps one unchanged. */
export function setresgid(r: number, e: number, s: number): void {
  call('int setresgid(uint32_t r, uint32_t e, uint32_t s)', 'setresgid', `${r}:${e}:${s}`, id(r), id(e), id(s));
}

/** Sets real, effective and saved uids; -1 keeps one unchanged. */
export function setresuid(r: number, e: number, s: number): void {
  call('int setresuid(uint32_t r, uint32_t e, uint32_t s)', 'setresuid', `${r}:${e}:${s}`, id(r), id(e), id(s));
}

/** Sets the file mode creation mask; returns the previous one. Cannot fail. */
export function umask(mask: number): number {
  return fn('uint32_t umask(uint32_t mask)')(mask & 0o777) as number;
}
