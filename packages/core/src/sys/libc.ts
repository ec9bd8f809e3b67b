/**
 * The one place that loads native libraries through koffi. Functions are declared lazily
 * (on first use) so that a process only pays for the prototypes it calls; the CLI fast
 * paths (`state`, `list`) never load koffi at all.
 */
import type * as KoffiNS from 'koffi' with { 'resolution-mode': 'import' };
import { SysError } from '../errors';

type Koffi = typeof KoffiNS;
type LibraryHandle = ReturnType<Koffi['load']>;
/** A declared native function: koffi marshals JS values, so arguments are checked by its prototype. */
export type NativeFn = (...args: unknown[]) => unknown;

let koffiMod: Koffi | undefined;
let libcHandle: LibraryHandle | undefined;
const fnCache = new Map<string, NativeFn>();

export function koffi(): Koffi {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  koffiMod ??= require('koffi') as Koffi;
  return koffiMod;
}

/** Whether this process has loaded libc through koffi already (a caller may avoid loading it). */
export function libcLoaded(): boolean {
  return libcHandle !== undefined;
}

export function libc(): LibraryHandle {
  libcHandle ??= koffi().load('libc.so.6');
  return libcHandle;
}

/** A libc function from its C prototype, declared once per process. */
export function fn(proto: string): NativeFn {
  let f = fnCache.get(proto);
  if (!f) {
    f = libc().func(proto) as NativeFn;
    fnCache.set(proto, f);
  }
  return f;
}

let errnoNames: Map<number, string> | undefined;

/** The symbolic name of the current errno (e.g. "EPERM"). */
export function errnoName(code?: number): string {
  const k = koffi();
  const n = code ?? k.errno();
  if (!errnoNames) {
    errnoNames = new Map();
    for (const [name, value] of Object.entries(k.os.errno)) if (!errnoNames.has(value)) errnoNames.set(value, name);
  }
  return errnoNames.get(n) ?? `errno ${n}`;
}

/** Throws a SysError carrying errno's name when a libc call returned -1. */
export function check(ret: number | bigint, syscall: string, detail?: string): number {
  if (ret === -1 || ret === -1n) throw new SysError(syscall, errnoName(), detail);
  return Number(ret);
}

/** Calls a libc function, retrying on EINTR, and throws SysError on -1. */
export function call(proto: string, syscall: string, detail: string | undefined, ...args: unknown[]): number {
  const f = fn(proto);
  for (;;) {
    const ret = f(...args) as number | bigint;
    if ((ret === -1 || ret === -1n) && koffi().errno() === koffi().os.errno.EINTR) continue;
    return check(ret, syscall, detail);
  }
}
