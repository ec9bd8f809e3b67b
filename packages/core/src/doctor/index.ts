/**
 * berth's doctor: the kernel features and host pieces berth needs, each checked for real, with
 * what to install or change when one is missing. Returns data; `ctr doctor` prints it.
 */
import { readMountinfo } from '../cgroups/mountinfo';
import { checkCgroups } from './cgroups';
import { checkCni, checkIptables, checkWritable } from './host';
import { checkOverlay, checkPivotRoot, checkSeccomp, checkUserns } from './kernel';
import { checkKoffi, checkNode, checkSqlite } from './node';
import type { DoctorCheck, DoctorOptions, DoctorReport } from './types';

export type { CheckStatus, DoctorCheck, DoctorOptions, DoctorReport } from './types';

export function runDoctor(opts: DoctorOptions): DoctorReport {
  const mounts = readMountinfo();
  const checks: DoctorCheck[] = [
    checkNode(),
    checkKoffi(),
    checkSqlite(),
    checkWritable('root-dir', opts.root),
    checkWritable('state-dir', opts.state),
    checkCgroups(mounts),
    checkPivotRoot(mounts),
    checkOverlay(opts.root),
    checkUserns(),
    checkSeccomp(),
    checkCni(opts.cniBinDir),
    checkIptables(),
  ];
  return { checks, ok: checks.every((c) => c.status !== 'fail') };
}
