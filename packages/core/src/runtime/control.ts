/** pause, resume, ps, update and stats of a container: cgroup operations behind state checks. */
import { execFileSync } from 'node:child_process';
import { InvalidArgumentError, StateError } from '../errors';
import { runcStatsData, stringifyExact, type CgroupManager } from '../cgroups';
import type { LinuxResources } from '../oci/types';
import { containerStatus, readRecord, recordCgroup, writeRecord, type ContainerRecord } from './container';

function cgroupOf(rec: ContainerRecord): CgroupManager {
  const cg = recordCgroup(rec);
  if (!cg) throw new StateError(`container ${rec.id} has no cgroup`);
  return cg;
}

export function pauseContainer(root: string, id: string): void {
  const rec = readRecord(root, id);
  const status = containerStatus(root, rec);
  if (status !== 'running' && status !== 'created') throw new StateError('container not running');
  cgroupOf(rec).freeze();
}

export function resumeContainer(root: string, id: string): void {
  const rec = readRecord(root, id);
  if (containerStatus(root, rec) !== 'paused') throw new StateError('container not paused');
  cgroupOf(rec).thaw();
}

/** Pids of every process of the container (its cgroup). */
export function containerPids(root: string, id: string): number[] {
  const rec = readRecord(root, id);
  if (containerStatus(root, rec) === 'stopped') return [];
  return cgroupOf(rec).pids();
}

/** `runc ps`: the host's `ps` output (default -ef) restricted to the container's processes. */
export function psTable(root: string, id: string, psArgs: string[]): string {
  const pids = new Set(containerPids(root, id));
  const out = execFileSync('ps', psArgs.length ? psArgs : ['-ef'], { encoding: 'utf8' });
  const lines = out.split('\n');
  const header = lines[0];
  const pidCol = header.trim().split(/\s+/).indexOf('PID');
  if (pidCol < 0) throw new InvalidArgumentError('couldn\'t find PID field in ps output');
  const rows = lines.slice(1).filter((l) => l.trim() !== '' && pids.has(Number(l.trim().split(/\s+/)[pidCol])));
  return `${[header, ...rows].join('\n')}\n`;
}

export function updateContainer(root: string, id: string, resources: LinuxResources): void {
  const rec = readRecord(root, id);
  if (containerStatus(root, rec) === 'stopped') throw new StateError(`container ${id} is not running`);
  cgroupOf(rec).set(resources);
  const linux = rec.config.linux ?? {};
  linux.resources = mergeResources(linux.resources ?? {}, resources);
  rec.config.linux = linux;
  writeRecord(root, rec);
}

function mergeResources(a: LinuxResources, b: LinuxResources): LinuxResources {
  return {
    ...a, ...b,
    memory: { ...a.memory, ...b.memory },
    cpu: { ...a.cpu, ...b.cpu },
    ...(b.pids || a.pids ? { pids: { ...a.pids, ...b.pids } as { limit: number } } : {}),
    blockIO: { ...a.blockIO, ...b.blockIO },
  };
}

/** One `runc events` stats event, already serialised: uint64 counters must not be rounded by JSON.stringify. */
export function containerStatsJson(root: string, id: string): string {
  return containerEvents(root, id).stats();
}

/** What `runc events` follows: the cgroup's stats and its OOM kills. */
export interface ContainerEvents {
  /** A stats event, serialised (throws once the cgroup is gone). */
  stats(): string;
  /** The OOM killer's kills in the container's cgroup so far. */
  oomKills(): number;
}

/** A running (or paused) container's events; after it stops they go on until its cgroup goes, as runc's. */
export function containerEvents(root: string, id: string): ContainerEvents {
  const rec = readRecord(root, id);
  if (containerStatus(root, rec) === 'stopped') throw new StateError(`container with id ${id} is not running`);
  const cg = cgroupOf(rec);
  return {
    stats: () => `{"type":"stats","id":${JSON.stringify(id)},"data":${stringifyExact(runcStatsData(cg.stats()))}}`,
    oomKills: () => cg.oomKills(),
  };
}
