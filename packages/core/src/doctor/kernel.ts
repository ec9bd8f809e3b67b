/** Kernel features: overlayfs, user namespaces, seccomp, and a root pivot_root can leave. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readMountinfo, mountAt, type MountEntry } from '../cgroups/mountinfo';
import { overlayProblem } from '../snapshots/probe';
import { finding, type DoctorCheck } from './types';

/** The nearest directory of `p` that exists (probes run there: same filesystem, nothing left behind). */
export function nearestExisting(p: string): string {
  let dir = path.resolve(p);
  while (!fs.existsSync(dir)) dir = path.dirname(dir);
  return dir;
}

/** containerd's overlay check (d_type, a real overlay mount) on the filesystem that will hold the root. */
export function checkOverlay(root: string): DoctorCheck {
  const fix = 'modprobe overlay (CONFIG_OVERLAY_FS), or keep the root on ext4/xfs with d_type; meanwhile use --snapshotter native';
  let tmp: string | undefined;
  try {
    tmp = fs.mkdtempSync(path.join(nearestExisting(root), '.berth-doctor-'));
    const problem = overlayProblem(path.join(tmp, 'overlay'));
    return finding('overlayfs', false, problem === undefined,
      problem === undefined ? `overlay mounts work on ${nearestExisting(root)}` : problem.replace(/: skip plugin$/, ''), fix);
  } catch (err) {
    return finding('overlayfs', false, false, `cannot probe overlayfs under ${nearestExisting(root)}: ${(err as Error).message.split('\n')[0]}`, fix);
  } finally {
    if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function readNumber(file: string): number | undefined {
  try {
    return Number(fs.readFileSync(file, 'utf8').trim());
  } catch {
    return undefined;
  }
}

function onPath(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const p = path.join(dir || '.', bin);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch { /* next */ }
  }
  return undefined;
}

/** User namespaces: enabled in the kernel, and util-linux unshare (the single-threaded creator berth uses). */
export function checkUserns(): DoctorCheck {
  const max = readNumber('/proc/sys/user/max_user_namespaces');
  const clone = readNumber('/proc/sys/kernel/unprivileged_userns_clone');
  const unshare = onPath('unshare');
  const parts = [max === undefined ? 'no /proc/sys/user/max_user_namespaces (CONFIG_USER_NS off?)' : `max_user_namespaces=${max}`];
  if (clone !== undefined) parts.push(`unprivileged_userns_clone=${clone}`);
  parts.push(unshare ? `unshare at ${unshare}` : 'no unshare on PATH');
  const fixes: string[] = [];
  if (!max) fixes.push('sysctl -w user.max_user_namespaces=15000 (a kernel with CONFIG_USER_NS=y)');
  if (!unshare) fixes.push('apt-get install util-linux');
  return finding('user-namespaces', false, Boolean(max) && Boolean(unshare), parts.join(', '), fixes.join('; ') || undefined);
}

/** seccomp: the kernel's (a Seccomp: line in /proc/self/status) and libseccomp through koffi. */
export function checkSeccomp(): DoctorCheck {
  let kernel = false;
  try {
    kernel = /^Seccomp:/m.test(fs.readFileSync('/proc/self/status', 'utf8'));
  } catch { /* no procfs: reported as missing */ }
  let lib: string;
  let libOk = false;
  try {
    const { seccompVersion } = require('../sys/seccomp') as typeof import('../sys/seccomp');
    const v = seccompVersion();
    lib = `libseccomp ${v.major}.${v.minor}.${v.micro}`;
    libOk = true;
  } catch (err) {
    lib = (err as Error).message.split('\n')[0];
  }
  const fixes: string[] = [];
  if (!kernel) fixes.push('a kernel with CONFIG_SECCOMP_FILTER=y');
  if (!libOk) fixes.push('apt-get install libseccomp2');
  return finding('seccomp', false, kernel && libOk, `${kernel ? 'kernel supports seccomp' : 'kernel has no seccomp'}, ${lib}`, fixes.join('; ') || undefined);
}

/** pivot_root cannot leave the initramfs (rootfs): containers would need runc's --no-pivot, which berth lacks. */
export function checkPivotRoot(mounts: MountEntry[] = readMountinfo()): DoctorCheck {
  const root = mountAt(mounts, '/');
  const type = root?.fsType ?? 'unknown';
  const ok = root !== undefined && type !== 'rootfs' && type !== 'ramfs';
  return finding('pivot_root', true, ok, `/ is ${type}${ok ? '' : ' (the initramfs: pivot_root refuses it)'}`,
    'boot from a disk root (switch_root out of the initramfs) before running containers');
}
