import Attach from '../commands/attach';
import Create from '../commands/create';
import Exec from '../commands/exec';
import Inspect from '../commands/inspect';
import Logs from '../commands/logs';
import Ps from '../commands/ps';
import Rm from '../commands/rm';
import Run from '../commands/run';
import Start from '../commands/start';
import Stats from '../commands/stats';
import Statsp from '../commands/statsp';
import Stop from '../commands/stop';
import Update from '../commands/update';
import type { CommandLoaders } from '@berth/core/dist/cli/lazy-commands';

/** crictl's containers commands, keyed by oclif id (one registry per group so groups grow independently). */
export const CONTAINERS_COMMANDS: CommandLoaders = {
  create: () => Create,
  start: () => Start,
  run: () => Run,
  ps: () => Ps,
  inspect: () => Inspect,
  stop: () => Stop,
  rm: () => Rm,
  logs: () => Logs,
  exec: () => Exec,
  attach: () => Attach,
  update: () => Update,
  stats: () => Stats,
  statsp: () => Statsp,
};
