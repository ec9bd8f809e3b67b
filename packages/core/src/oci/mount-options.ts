/**
 * config.json mount options -> mount(2) flags, propagation changes, mount_setattr(2)
 * recursive attributes and the filesystem data string, with runc 1.1's tables and rules:
 * an option is looked up as a flag, then a propagation, then a recursive attribute, then an
 * extension; anything else is passed to the filesystem as data, in order.
 *
 * One deliberate difference: "defaults" is a no-op here. runc lets it fall through to the
 * data string (its table entry has flag 0), which makes e.g. a tmpfs mount fail with EINVAL.
 */

// <linux/mount.h> MS_* values (the same on every Linux architecture).
export const MS_RDONLY = 0x1;
export const MS_NOSUID = 0x2;
export const MS_NODEV = 0x4;
export const MS_NOEXEC = 0x8;
export const MS_SYNCHRONOUS = 0x10;
export const MS_REMOUNT = 0x20;
export const MS_MANDLOCK = 0x40;
export const MS_DIRSYNC = 0x80;
export const MS_NOSYMFOLLOW = 0x100;
export const MS_NOATIME = 0x400;
export const MS_NODIRATIME = 0x800;
export const MS_BIND = 0x1000;
export const MS_MOVE = 0x2000;
export const MS_REC = 0x4000;
export const MS_SILENT = 0x8000;
export const MS_POSIXACL = 0x10000;
export const MS_UNBINDABLE = 0x20000;
export const MS_PRIVATE = 0x40000;
export const MS_SLAVE = 0x80000;
export const MS_SHARED = 0x100000;
export const MS_RELATIME = 0x200000;
export const MS_I_VERSION = 0x800000;
export const MS_STRICTATIME = 0x1000000;
export const MS_LAZYTIME = 0x2000000;

// <linux/mount.h> MOUNT_ATTR_* values for mount_setattr(2) (Linux 5.12).
export const MOUNT_ATTR_RDONLY = 0x1;
export const MOUNT_ATTR_NOSUID = 0x2;
export const MOUNT_ATTR_NODEV = 0x4;
export const MOUNT_ATTR_NOEXEC = 0x8;
/** The access-time field: the three values below are an enum inside it, not bits. */
export const MOUNT_ATTR__ATIME = 0x70;
export const MOUNT_ATTR_RELATIME = 0x0;
export const MOUNT_ATTR_NOATIME = 0x10;
export const MOUNT_ATTR_STRICTATIME = 0x20;
export const MOUNT_ATTR_NODIRATIME = 0x80;
export const MOUNT_ATTR_NOSYMFOLLOW = 0x200000;

export interface FlagEntry {
  /** The MS_* bits (or MOUNT_ATTR_* bits for the recursive table). */
  flag: number;
  /** True when the option clears the bits instead of setting them (rw clears MS_RDONLY). */
  clear: boolean;
}

const set = (flag: number): FlagEntry => ({ flag, clear: false });
const clr = (flag: number): FlagEntry => ({ flag, clear: true });

/** Options that set or clear mount(2) flags. */
export const MOUNT_FLAGS: Readonly<Record<string, FlagEntry>> = Object.freeze({
  acl: set(MS_POSIXACL),
  async: clr(MS_SYNCHRONOUS),
  atime: clr(MS_NOATIME),
  bind: set(MS_BIND),
  defaults: set(0),
  dev: clr(MS_NODEV),
  diratime: clr(MS_NODIRATIME),
  dirsync: set(MS_DIRSYNC),
  exec: clr(MS_NOEXEC),
  iversion: set(MS_I_VERSION),
  lazytime: set(MS_LAZYTIME),
  loud: clr(MS_SILENT),
  mand: set(MS_MANDLOCK),
  noacl: clr(MS_POSIXACL),
  noatime: set(MS_NOATIME),
  nodev: set(MS_NODEV),
  nodiratime: set(MS_NODIRATIME),
  noexec: set(MS_NOEXEC),
  noiversion: clr(MS_I_VERSION),
  nolazytime: clr(MS_LAZYTIME),
  nomand: clr(MS_MANDLOCK),
  norelatime: clr(MS_RELATIME),
  nostrictatime: clr(MS_STRICTATIME),
  nosuid: set(MS_NOSUID),
  nosymfollow: set(MS_NOSYMFOLLOW),
  rbind: set(MS_BIND | MS_REC),
  relatime: set(MS_RELATIME),
  remount: set(MS_REMOUNT),
  ro: set(MS_RDONLY),
  rw: clr(MS_RDONLY),
  silent: set(MS_SILENT),
  strictatime: set(MS_STRICTATIME),
  suid: clr(MS_NOSUID),
  sync: set(MS_SYNCHRONOUS),
  symfollow: clr(MS_NOSYMFOLLOW),
});

/** Propagation options: each becomes its own mount(2) call after the mount itself. */
export const PROPAGATION: Readonly<Record<string, number>> = Object.freeze({
  private: MS_PRIVATE,
  rprivate: MS_PRIVATE | MS_REC,
  shared: MS_SHARED,
  rshared: MS_SHARED | MS_REC,
  slave: MS_SLAVE,
  rslave: MS_SLAVE | MS_REC,
  unbindable: MS_UNBINDABLE,
  runbindable: MS_UNBINDABLE | MS_REC,
});

/** Recursive options ("rro"...): applied to the whole mount tree with mount_setattr(AT_RECURSIVE). */
export const RECURSIVE_MOUNT_ATTRS: Readonly<Record<string, FlagEntry>> = Object.freeze({
  rro: set(MOUNT_ATTR_RDONLY),
  rrw: clr(MOUNT_ATTR_RDONLY),
  rnosuid: set(MOUNT_ATTR_NOSUID),
  rsuid: clr(MOUNT_ATTR_NOSUID),
  rnodev: set(MOUNT_ATTR_NODEV),
  rdev: clr(MOUNT_ATTR_NODEV),
  rnoexec: set(MOUNT_ATTR_NOEXEC),
  rexec: clr(MOUNT_ATTR_NOEXEC),
  rnodiratime: set(MOUNT_ATTR_NODIRATIME),
  rdiratime: clr(MOUNT_ATTR_NODIRATIME),
  rrelatime: set(MOUNT_ATTR_RELATIME),
  rnorelatime: clr(MOUNT_ATTR_RELATIME),
  rnoatime: set(MOUNT_ATTR_NOATIME),
  ratime: clr(MOUNT_ATTR_NOATIME),
  rstrictatime: set(MOUNT_ATTR_STRICTATIME),
  rnostrictatime: clr(MOUNT_ATTR_STRICTATIME),
  rnosymfollow: set(MOUNT_ATTR_NOSYMFOLLOW),
  rsymfollow: clr(MOUNT_ATTR_NOSYMFOLLOW),
});

/** runc's extension options: tmpcopyup copies the shadowed directory's content into a new tmpfs. */
export const EXTENSION_OPTIONS: readonly string[] = Object.freeze(['tmpcopyup']);

export interface MountOptions {
  /** MS_* bits to pass to mount(2). */
  flags: number;
  /** MS_* bits an option explicitly cleared (rw, suid...): a bind remount must not keep them from the source. */
  clearFlags: number;
  /** Propagation changes, in order, each a separate mount(2) call on the target. */
  propagation: number[];
  /** Filesystem-specific options, comma-joined in their given order ("" when none). */
  data: string;
  /** MOUNT_ATTR_* bits to set recursively (0 when none). */
  recAttrSet: number;
  /** MOUNT_ATTR_* bits to clear recursively; includes MOUNT_ATTR__ATIME when an atime mode is set. */
  recAttrClr: number;
  /** The tmpcopyup extension was asked for. */
  tmpcopyup: boolean;
}

/** Translates a mount's options; later options override earlier ones ("ro","rw" ends read-write). */
export function parseMountOptions(options: readonly string[] | undefined): MountOptions {
  const out: MountOptions = { flags: 0, clearFlags: 0, propagation: [], data: '', recAttrSet: 0, recAttrClr: 0, tmpcopyup: false };
  const data: string[] = [];
  for (const o of options ?? []) {
    const f = own(MOUNT_FLAGS, o);
    if (f) {
      if (f.clear) {
        out.flags &= ~f.flag;
        out.clearFlags |= f.flag;
      } else {
        out.flags |= f.flag;
        out.clearFlags &= ~f.flag;
      }
      continue;
    }
    const p = own(PROPAGATION, o);
    if (p !== undefined) {
      out.propagation.push(p);
      continue;
    }
    const r = own(RECURSIVE_MOUNT_ATTRS, o);
    if (r) {
      if (r.clear) {
        out.recAttrClr |= r.flag;
        out.recAttrSet &= ~r.flag;
      } else {
        out.recAttrSet |= r.flag;
        out.recAttrClr &= ~r.flag;
      }
      // mount_setattr(2): an access-time mode is only taken when the whole field is in attr_clr.
      if ((r.flag & MOUNT_ATTR__ATIME) === r.flag) out.recAttrClr |= MOUNT_ATTR__ATIME;
      continue;
    }
    if (o === 'tmpcopyup') {
      out.tmpcopyup = true;
      continue;
    }
    data.push(o);
  }
  out.data = data.join(',');
  // Bit operations made these signed 32-bit; all flags fit in 31 bits, so this only normalises -0.
  out.flags >>>= 0;
  out.clearFlags >>>= 0;
  return out;
}

/** Every option parseMountOptions recognises (everything else is filesystem data), sorted. */
export function knownMountOptions(): string[] {
  return [...Object.keys(MOUNT_FLAGS), ...Object.keys(PROPAGATION), ...Object.keys(RECURSIVE_MOUNT_ATTRS), ...EXTENSION_OPTIONS].sort();
}

/** A table lookup that ignores inherited keys ("constructor", "toString"...). */
function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}
