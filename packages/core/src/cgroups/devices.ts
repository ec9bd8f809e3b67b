/**
 * linux.resources.devices -> cgroup v1 devices.allow/devices.deny lines ("c 1:3 rwm").
 *
 * On v1 the rules are written in order: a rule for type "a" with wildcards resets the
 * whole list (deny-all or allow-all), later rules add exceptions. runc instead computes the
 * minimal transition from the current list so a running container never sees a moment of
 * "deny all" during `update`; we accept that window (see the report).
 *
 * On cgroup v2 there are no device files: access is filtered by an eBPF program attached
 * to the cgroup (BPF_PROG_TYPE_CGROUP_DEVICE). berth does not load eBPF yet, so the v2
 * manager skips device rules entirely; device *nodes* are still limited by what the
 * runtime creates in the container's /dev.
 */
import type { LinuxDeviceCgroup } from '../oci/types';
import { InvalidArgumentError } from '../errors';

export interface DeviceRule {
  allow: boolean;
  /** The text written to devices.allow or devices.deny. */
  line: string;
}

export function deviceRules(devices: LinuxDeviceCgroup[]): DeviceRule[] {
  return devices.map((d, i) => {
    const where = `linux.resources.devices[${i}]`;
    const type = d.type === undefined || d.type === '' ? 'a' : d.type;
    if (type !== 'a' && type !== 'b' && type !== 'c') throw new InvalidArgumentError(`${where}: invalid device type ${JSON.stringify(type)} (want a, b or c)`);
    const access = d.access ?? '';
    if (access === '') throw new InvalidArgumentError(`${where}: access cannot be empty`);
    if (!/^[rwm]{1,3}$/.test(access)) throw new InvalidArgumentError(`${where}: invalid access ${JSON.stringify(access)} (want a combination of r, w, m)`);
    const num = (n: number | null | undefined) => (n === undefined || n === null || n < 0 ? '*' : String(n));
    return { allow: d.allow, line: `${type} ${num(d.major)}:${num(d.minor)} ${access}` };
  });
}
