/**
 * The container's filesystem, built inside its new mount namespace: propagation, the rootfs
 * bind, spec mounts (every destination resolved inside the rootfs), /dev, pivot_root, then
 * masked and read-only paths. Synchronous only: after pivot_root, libuv's threads would still
 * see the old root.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Mount } from '../../oci/types';
import { PROPAGATION, parseMountOptions } from '../../oci/mount-options';
import { InvalidArgumentError } from '../../errors';
import {
  MNT_DETACH, MS_BIND, MS_MOVE, MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_PRIVATE, MS_RDONLY, MS_REC, MS_REMOUNT,
  MS_SHARED, MS_SLAVE, chdir, chroot, mount, mountSetattrRecursive, pivotRoot, setPropagation, umount,
} from '../../sys/mount';
import type { InitConfig } from '../sync';
import { statfsFlags } from '../../sys/file';
import { createDevices, createDevSymlinks, setupPtmx } from './devices';
import { secureJoin } from './securejoin';
import { makeDirs } from '../../util/make-dirs';


/**
 * `cgroupReady` is called before the first cgroup mount or mount of a device, or after the last
 * mount: what comes from there on (cgroup mounts, devices, device nodes) needs the container's
 * cgroup. It may be called more than once.
 */
export function prepareRootfs(cfg: InitConfig, cgroupReady: () => void): void {
  const { spec, rootfs } = cfg;
  const prop = spec.linux?.rootfsPropagation;
  if (prop && PROPAGATION[prop] === undefined) throw new InvalidArgumentError(`linux.rootfsPropagation: unknown propagation "${prop}"`);
  // Nothing done in here may propagate back to the host.
  setPropagation('/', prop && (PROPAGATION[prop] & (MS_SLAVE | MS_PRIVATE)) ? PROPAGATION[prop] : MS_SLAVE | MS_REC);
  mount(rootfs, rootfs, 'bind', MS_BIND | MS_REC);

  let devIsBind = false;
  for (const m of spec.mounts ?? []) {
    // Also a mount of a device (a path as its source, not a bind): the devices cgroup judges its
    // open, and must be the container's, as for runc, whose init mounts from inside its cgroup.
    if (m.type === 'cgroup' || m.type === 'cgroup2' || (!isBind(m) && (m.source ?? '').startsWith('/'))) cgroupReady();
    mountEntry(cfg, m);
    if (path.posix.normalize(`/${m.destination}`) === '/dev' && isBind(m)) devIsBind = true;
  }
  cgroupReady();
  if (!devIsBind) {
    createDevSymlinks(rootfs);
    createDevices(rootfs, spec.linux?.devices ?? [], cfg.bindDevices === true);
    setupPtmx(rootfs);
  } else if (spec.linux?.devices?.length) {
    createDevices(rootfs, spec.linux.devices, cfg.bindDevices === true);
  }
}

/** Switches the process's root to the rootfs (pivot_root, or MS_MOVE + chroot with --no-pivot). */
export function enterRootfs(cfg: InitConfig): void {
  chdir(cfg.rootfs);
  if (cfg.noPivot) {
    mount(cfg.rootfs, '/', null, MS_MOVE);
    chroot('.');
  } else {
    // pivot_root(".", ".") stacks the old root under the new one; detaching it leaves only the rootfs.
    pivotRoot('.', '.');
    setPropagation('.', MS_SLAVE | MS_REC);
    umount('.', MNT_DETACH);
  }
  chdir('/');
  process.chdir('/');
}

/** After pivot: masked and read-only paths, read-only rootfs, requested rootfs propagation. */
export function finalizeRootfs(cfg: InitConfig): void {
  const linux = cfg.spec.linux;
  for (const p of linux?.readonlyPaths ?? []) readonlyPath(p);
  for (const p of linux?.maskedPaths ?? []) maskPath(p);
  if (cfg.spec.root?.readonly) remountReadonly('/', 0);
  const prop = linux?.rootfsPropagation;
  if (prop && PROPAGATION[prop] & MS_SHARED) setPropagation('/', PROPAGATION[prop]);
}

function isBind(m: Mount): boolean {
  return m.type === 'bind' || (m.options ?? []).some((o) => o === 'bind' || o === 'rbind');
}

function mountEntry(cfg: InitConfig, m: Mount): void {
  if (!m.destination) throw new InvalidArgumentError('mounts: an entry has no destination');
  const dest = secureJoin(cfg.rootfs, m.destination);
  const opts = parseMountOptions(m.options ?? []);
  if (m.type === 'cgroup' || m.type === 'cgroup2') { mountCgroup(cfg, dest, opts.flags); return; }
  if (isBind(m)) {
    const src = path.resolve(cfg.bundle, m.source ?? '');
    let st: fs.Stats;
    try { st = fs.statSync(src); } catch { throw new InvalidArgumentError(`mount ${m.destination}: source ${src} does not exist`); }
    ensureTarget(dest, st.isDirectory());
    const rec = (m.options ?? []).includes('rbind') ? MS_REC : 0;
    mount(src, dest, 'bind', MS_BIND | rec);
    const extra = opts.flags & ~(MS_BIND | MS_REC);
    if (extra !== 0) remountBind(dest, extra | rec);
  } else {
    ensureTarget(dest, true);
    const type = m.type ?? 'none';
    mount(m.source ?? type, dest, type, opts.flags & ~MS_REMOUNT, opts.data || null);
  }
  for (const p of opts.propagation) setPropagation(dest, p);
  if (opts.recAttrSet || opts.recAttrClr) mountSetattrRecursive(dest, opts.recAttrSet, opts.recAttrClr);
}

function ensureTarget(dest: string, dir: boolean): void {
  let st: fs.Stats | undefined;
  try { st = fs.lstatSync(dest); } catch { st = undefined; }
  if (st) {
    if (dir && !st.isDirectory()) throw new InvalidArgumentError(`mount destination ${dest} is not a directory`);
    return;
  }
  if (dir) { makeDirs(dest, 0o755); return; }
  makeDirs(path.dirname(dest), 0o755);
  fs.writeFileSync(dest, '', { mode: 0o644 });
}

/** Changing flags of a bind mount needs MS_REMOUNT; flags locked by the source mount must be kept. */
function remountBind(dest: string, flags: number): void {
  try {
    mount(null, dest, null, MS_BIND | MS_REMOUNT | flags);
  } catch {
    mount(null, dest, null, MS_BIND | MS_REMOUNT | flags | MS_NOSUID | MS_NODEV | MS_NOEXEC);
  }
}

function remountReadonly(p: string, extra: number): void {
  remountBind(p, MS_RDONLY | extra);
}

/**
 * cgroup mounts show the container's own cgroup: the container's cgroup directories are
 * bind-mounted (inside a cgroup namespace this is the namespace's root).
 */
function mountCgroup(cfg: InitConfig, dest: string, flags: number): void {
  const ro = flags & MS_RDONLY;
  const locked = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  ensureTarget(dest, true);
  const single = cfg.cgroupMounts.length === 1 && cfg.cgroupMounts[0].name === '' ? cfg.cgroupMounts[0] : undefined;
  if (single) {
    mount(single.dir, dest, 'bind', MS_BIND);
    remountBind(dest, ro | locked);
    return;
  }
  mount('tmpfs', dest, 'tmpfs', (flags & ~MS_RDONLY) | locked, 'mode=755');
  for (const { name, dir } of cfg.cgroupMounts) {
    const target = path.join(dest, name);
    makeDirs(target);
    mount(dir, target, 'bind', MS_BIND);
    remountBind(target, ro | locked);
    // cpu,cpuacct is also reachable as cpu and cpuacct, as on the host.
    if (name.includes(',')) for (const part of name.split(',')) {
      try { fs.symlinkSync(name, path.join(dest, part)); } catch { /* exists */ }
    }
  }
  // The tmpfs itself stays read-write, as runc leaves it; each hierarchy is read-only.
}

function readonlyPath(p: string): void {
  if (!fs.existsSync(p)) return;
  mount(p, p, null, MS_BIND | MS_REC);
  // As runc: the read-only remount keeps the nosuid/nodev/noexec the path's mount already has
  // (/proc/sys stays nosuid,nodev,noexec).
  remountReadonly(p, MS_REC | (statfsFlags(p) & (MS_NOSUID | MS_NODEV | MS_NOEXEC)));
}

function maskPath(p: string): void {
  let st: fs.Stats;
  try { st = fs.statSync(p); } catch { return; }
  if (st.isDirectory()) mount('tmpfs', p, 'tmpfs', MS_RDONLY);
  else mount('/dev/null', p, null, MS_BIND);
}
