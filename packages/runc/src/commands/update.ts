import { Args, Flags } from '@oclif/core';
import * as fs from 'node:fs';
import { RuncCommand } from '../base';
import type { LinuxResources } from '@berth/core/dist/oci/types';

export default class Update extends RuncCommand {
  static override summary = 'update container resource constraints';
  static override usage = 'update [command options] <container-id>';
  static override args = { id: Args.string({ description: 'container id', required: true }) };
  static override flags = {
    resources: Flags.string({ char: 'r', description: 'path to the file containing the resources to update or \'-\' to read from the standard input (the other options are ignored then)' }),
    'blkio-weight': Flags.integer({ description: 'Specifies per cgroup weight, range is from 10 to 1000' }),
    'cpu-period': Flags.string({ description: 'CPU CFS period to be used for hardcapping (in usecs). 0 to use system default' }),
    'cpu-quota': Flags.string({ description: 'CPU CFS hardcap limit (in usecs). Allowed cpu time in a given period' }),
    'cpu-share': Flags.string({ description: 'CPU shares (relative weight vs. other containers)' }),
    'cpu-rt-period': Flags.string({ description: 'CPU realtime period to be used for hardcapping (in usecs). 0 to use system default' }),
    'cpu-rt-runtime': Flags.string({ description: 'CPU realtime hardcap limit (in usecs). Allowed cpu time in a given period' }),
    'cpuset-cpus': Flags.string({ description: 'CPU(s) to use' }),
    'cpuset-mems': Flags.string({ description: 'Memory node(s) to use' }),
    memory: Flags.string({ description: 'Memory limit (in bytes, or with a unit suffix such as 64m)' }),
    'memory-reservation': Flags.string({ description: 'Memory reservation or soft_limit (in bytes)' }),
    'memory-swap': Flags.string({ description: 'Total memory usage (memory + swap); set \'-1\' to enable unlimited swap' }),
    'pids-limit': Flags.integer({ description: 'Maximum number of pids allowed in the container' }),
    'kernel-memory': Flags.string({ description: 'Kernel memory limit (in bytes) (deprecated, ignored as in runc 1.1)', hidden: true }),
    'kernel-memory-tcp': Flags.string({ description: 'Kernel memory limit for tcp buffer (in bytes)', hidden: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Update);
    const { root } = this.globals(flags);
    const { updateContainer } = require('@berth/core/dist/runtime/control') as typeof import('@berth/core/dist/runtime/control');
    if (flags.resources) {
      // As runc: the file (or stdin) holds the whole update; the other flags are ignored then.
      const name = flags.resources === '-' ? 'resources from stdin' : flags.resources;
      let text: string;
      try {
        text = fs.readFileSync(flags.resources === '-' ? 0 : flags.resources, 'utf8');
      } catch (err) {
        this.fail(`unable to read resources from ${name}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
      }
      const { parseResources } = require('@berth/core/dist/oci/validate') as typeof import('@berth/core/dist/oci/validate');
      updateContainer(root, args.id, parseResources(text, name));
      return;
    }
    const res: LinuxResources = {};
    const bytes = (name: string, v: string | undefined): number | undefined => {
      if (v === undefined) return undefined;
      const n = parseBytes(v);
      if (n === undefined) this.fail(`invalid value for --${name}: ${v}`);
      return n;
    };
    const int = (name: string, v: string | undefined): number | undefined => {
      if (v === undefined) return undefined;
      if (!/^-?\d+$/.test(v)) this.fail(`invalid value for --${name}: ${v}`);
      return Number(v);
    };
    const mem = { limit: bytes('memory', flags.memory), reservation: bytes('memory-reservation', flags['memory-reservation']), swap: bytes('memory-swap', flags['memory-swap']) };
    const cpu = {
      period: int('cpu-period', flags['cpu-period']), quota: int('cpu-quota', flags['cpu-quota']), shares: int('cpu-share', flags['cpu-share']),
      realtimePeriod: int('cpu-rt-period', flags['cpu-rt-period']), realtimeRuntime: int('cpu-rt-runtime', flags['cpu-rt-runtime']),
      cpus: flags['cpuset-cpus'], mems: flags['cpuset-mems'],
    };
    const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
    if (Object.keys(defined(mem)).length) res.memory = { ...res.memory, ...defined(mem) };
    if (Object.keys(defined(cpu)).length) res.cpu = { ...res.cpu, ...defined(cpu) };
    if (flags['pids-limit'] !== undefined) res.pids = { limit: flags['pids-limit'] };
    if (flags['blkio-weight'] !== undefined) res.blockIO = { ...res.blockIO, weight: flags['blkio-weight'] };
    updateContainer(root, args.id, res);
  }
}

/** Bytes with docker's unit suffixes (k, m, g, t; case-insensitive, optional "b"); -1 means unlimited. */
export function parseBytes(v: string): number | undefined {
  const m = /^(-?\d+(?:\.\d+)?)\s*([kmgtp]?)(i?b)?$/i.exec(v.trim());
  if (!m) return undefined;
  const mult: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };
  return Math.trunc(Number(m[1]) * mult[m[2].toLowerCase()]);
}
