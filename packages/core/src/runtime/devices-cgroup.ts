/**
 * The device cgroup rules a container really gets: the spec's rules, then the devices every
 * container may use (runc appends the same list). Without them the default spec's "deny all"
 * would forbid even /dev/null. linux.devices get no rule of their own, as in runc: their node
 * exists, their use is what linux.resources.devices allows.
 */
import type { LinuxDeviceCgroup, LinuxResources, Spec } from '../oci/types';

const ALLOWED: LinuxDeviceCgroup[] = [
  { allow: true, type: 'c', major: null, minor: null, access: 'm' }, // mknod of any char device
  { allow: true, type: 'b', major: null, minor: null, access: 'm' }, // mknod of any block device
  { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }, // /dev/null
  { allow: true, type: 'c', major: 1, minor: 8, access: 'rwm' }, // /dev/random
  { allow: true, type: 'c', major: 1, minor: 7, access: 'rwm' }, // /dev/full
  { allow: true, type: 'c', major: 5, minor: 0, access: 'rwm' }, // /dev/tty
  { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' }, // /dev/zero
  { allow: true, type: 'c', major: 1, minor: 9, access: 'rwm' }, // /dev/urandom
  { allow: true, type: 'c', major: 136, minor: null, access: 'rwm' }, // /dev/pts/*
  { allow: true, type: 'c', major: 5, minor: 2, access: 'rwm' }, // /dev/ptmx
  { allow: true, type: 'c', major: 10, minor: 200, access: 'rwm' }, // /dev/net/tun
];

export function effectiveResources(spec: Spec): LinuxResources | undefined {
  const res = spec.linux?.resources;
  if (!res?.devices) return res;
  return { ...res, devices: [...res.devices, ...ALLOWED] };
}
