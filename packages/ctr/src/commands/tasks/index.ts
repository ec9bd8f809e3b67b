import Run from '../run';
import TasksAttach from './attach';
import TasksDelete from './delete';
import TasksExec from './exec';
import TasksKill from './kill';
import TasksList from './list';
import TasksMetrics from './metrics';
import TasksPause from './pause';
import TasksPs from './ps';
import TasksResume from './resume';
import TasksStart from './start';
import TasksWait from './wait';
import type { CommandLoaders } from '@berth/core/dist/cli/lazy-commands';

/** The `tasks` topic's commands, keyed by oclif id. */
export const TASKS_COMMANDS: CommandLoaders = {
  // `ctr run` is container create + task start; it lives with the task lifecycle.
  run: () => Run,
  'tasks:start': () => TasksStart,
  'tasks:list': () => TasksList,
  'tasks:attach': () => TasksAttach,
  'tasks:kill': () => TasksKill,
  'tasks:ps': () => TasksPs,
  'tasks:pause': () => TasksPause,
  'tasks:resume': () => TasksResume,
  'tasks:exec': () => TasksExec,
  'tasks:delete': () => TasksDelete,
  'tasks:metrics': () => TasksMetrics,
  'tasks:wait': () => TasksWait,
};
