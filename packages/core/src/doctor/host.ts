/** Host pieces outside the kernel: CNI plugins (crictl pods), iptables (portmap), and berth's directories. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nearestExisting } from './kernel';
import { finding, type DoctorCheck } from './types';

export const CNI_PLUGINS = ['bridge', 'host-local', 'loopback', 'portmap'];

function executable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

export function checkCni(binDir: string): DoctorCheck {
  const dirs = binDir.split(':').filter(Boolean);
  const found = (name: string): boolean => dirs.some((d) => executable(path.join(d, name)));
  const missing = CNI_PLUGINS.filter((p) => !found(p));
  return finding('cni-plugins', false, missing.length === 0,
    missing.length === 0 ? `${CNI_PLUGINS.join(', ')} in ${dirs.join(':')}` : `missing in ${dirs.join(':') || '(no bin_dir)'}: ${missing.join(', ')}`,
    `apt-get install containernetworking-plugins (it installs to /usr/lib/cni), or set cni bin_dir in berth's config.toml`);
}

export function checkIptables(): DoctorCheck {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin']);
  const at = dirs.map((d) => path.join(d || '.', 'iptables')).find(executable);
  return finding('iptables', false, at !== undefined, at ? `iptables at ${at} (portmap's hostPort rules)` : 'no iptables on PATH (portmap needs it for hostPorts)',
    'apt-get install iptables');
}

/** The directory can be written, or created: its nearest existing parent is writable. */
export function checkWritable(name: string, dir: string): DoctorCheck {
  const base = nearestExisting(dir);
  let ok = true;
  let why = '';
  try {
    if (!fs.statSync(base).isDirectory()) throw new Error('is not a directory');
    fs.accessSync(base, fs.constants.W_OK);
  } catch (err) {
    ok = false;
    const code = (err as NodeJS.ErrnoException).code;
    why = code ? `is not writable (${code})` : (err as Error).message;
  }
  const how = base === path.resolve(dir) ? 'writable' : `can be created (${base} is writable)`;
  return finding(name, true, ok, ok ? `${dir} ${how}` : `${dir}: ${base} ${why}`,
    `run as root, or point ${name === 'root-dir' ? '--root' : '--state'} at a writable directory`);
}
