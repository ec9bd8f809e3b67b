/**
 * libseccomp (Debian's libseccomp.so.2) through koffi. libseccomp returns negative errno
 * values instead of setting errno; the wrappers turn them into SysError. The library is
 * loaded on first use, so processes that never install a filter never map it.
 */
import { errnoName, koffi } from './libc';
import { SysError, UnsupportedError } from '../errors';

type Koffi = ReturnType<typeof koffi>;
type Lib = ReturnType<Koffi['load']>;
type Native = (...args: unknown[]) => unknown;

/** An opaque scmp_filter_ctx. */
export type ScmpFilter = { readonly __brand: 'scmp_filter_ctx' };

/** One argument comparison: struct scmp_arg_cmp { unsigned int arg; int op; uint64 datum_a, datum_b; }. */
export interface ScmpArgCmp {
  arg: number;
  op: number;
  datumA: bigint;
  datumB: bigint;
}

/** enum scmp_filter_attr */
export const SCMP_FLTATR_ACT_DEFAULT = 1;
export const SCMP_FLTATR_ACT_BADARCH = 2;
export const SCMP_FLTATR_CTL_NNP = 3;
export const SCMP_FLTATR_CTL_TSYNC = 4;
export const SCMP_FLTATR_API_TSKIP = 5;
export const SCMP_FLTATR_CTL_LOG = 6;
export const SCMP_FLTATR_CTL_SSB = 7;
export const SCMP_FLTATR_CTL_OPTIMIZE = 8;
/** libseccomp >= 2.5: report the kernel's errno instead of ECANCELED. */
export const SCMP_FLTATR_API_SYSRAWRC = 9;

/** __NR_SCMP_ERROR: what seccomp_syscall_resolve_name returns for an unknown name. */
const NR_SCMP_ERROR = -1;

interface Bindings {
  init: Native;
  archAdd: Native;
  archNative: Native;
  archResolveName: Native;
  syscallResolveName: Native;
  ruleAddArray: Native;
  attrSet: Native;
  load: Native;
  release: Native;
  version: Native;
}

let bindings: Bindings | undefined;

function lib(): Bindings {
  if (bindings) return bindings;
  const k = koffi();
  let h: Lib;
  try {
    h = k.load('libseccomp.so.2');
  } catch (err) {
    throw new UnsupportedError(`seccomp: cannot load libseccomp.so.2: ${(err as Error).message}`);
  }
  const argCmp = k.struct({ arg: 'uint', op: 'int', datum_a: 'uint64', datum_b: 'uint64' });
  bindings = {
    init: h.func('seccomp_init', 'void *', ['uint32']),
    archAdd: h.func('seccomp_arch_add', 'int', ['void *', 'uint32']),
    archNative: h.func('seccomp_arch_native', 'uint32', []),
    archResolveName: h.func('seccomp_arch_resolve_name', 'uint32', ['str']),
    syscallResolveName: h.func('seccomp_syscall_resolve_name', 'int', ['str']),
    ruleAddArray: h.func('seccomp_rule_add_array', 'int', ['void *', 'uint32', 'int', 'uint', k.pointer(argCmp)]),
    attrSet: h.func('seccomp_attr_set', 'int', ['void *', 'int', 'uint32']),
    load: h.func('seccomp_load', 'int', ['void *']),
    release: h.func('seccomp_release', 'void', ['void *']),
    // const struct scmp_version { unsigned int major, minor, micro; } *
    version: h.func('seccomp_version', 'void *', []),
  };
  return bindings;
}

function check(ret: unknown, fn: string, detail?: string): void {
  const n = Number(ret);
  if (n < 0) throw new SysError(fn, errnoName(-n), detail);
}

/** A new filter whose default action is `defAction` (the native arch is already added). */
/** Loads libseccomp now: the init stage must do it before pivot_root hides the host's /usr/lib. */
export function preloadSeccomp(): void {
  lib();
}

export function seccompInit(defAction: number): ScmpFilter {
  const ctx = lib().init(defAction >>> 0);
  if (ctx === null || ctx === undefined) throw new SysError('seccomp_init', 'EINVAL', `default action 0x${(defAction >>> 0).toString(16)}`);
  return ctx as ScmpFilter;
}

/** Adds an architecture token; adding one already present is not an error. */
export function seccompArchAdd(ctx: ScmpFilter, arch: number): void {
  const ret = Number(lib().archAdd(ctx, arch >>> 0));
  if (ret === -koffi().os.errno.EEXIST) return;
  check(ret, 'seccomp_arch_add', `0x${(arch >>> 0).toString(16)}`);
}

export function seccompArchNative(): number {
  return lib().archNative() as number;
}

/** The AUDIT_ARCH token for a libseccomp arch name ("x86_64", "aarch64"...), or 0 when unknown. */
export function seccompArchResolveName(name: string): number {
  return lib().archResolveName(name) as number;
}

/** The native syscall number, or undefined when libseccomp does not know the name. */
export function seccompSyscallResolveName(name: string): number | undefined {
  const nr = lib().syscallResolveName(name) as number;
  return nr === NR_SCMP_ERROR ? undefined : nr;
}

/** Adds a rule; `args` are ANDed together. */
export function seccompRuleAddArray(ctx: ScmpFilter, action: number, syscall: number, args: readonly ScmpArgCmp[], name?: string): void {
  const arr = args.map((a) => ({ arg: a.arg, op: a.op, datum_a: a.datumA, datum_b: a.datumB }));
  check(lib().ruleAddArray(ctx, action >>> 0, syscall, arr.length, arr.length ? arr : null), 'seccomp_rule_add', name ?? `syscall ${syscall}`);
}

export function seccompAttrSet(ctx: ScmpFilter, attr: number, value: number): void {
  check(lib().attrSet(ctx, attr, value >>> 0), 'seccomp_attr_set', `attribute ${attr}`);
}

/** Compiles the filter and installs it in the kernel. */
export function seccompLoad(ctx: ScmpFilter): void {
  check(lib().load(ctx), 'seccomp_load');
}

export function seccompRelease(ctx: ScmpFilter): void {
  lib().release(ctx);
}

export interface SeccompVersion {
  major: number;
  minor: number;
  micro: number;
}

/** The version of the loaded libseccomp. */
export function seccompVersion(): SeccompVersion {
  const [major = 0, minor = 0, micro = 0] = koffi().decode(lib().version(), 'uint', 3) as number[];
  return { major, minor, micro };
}
