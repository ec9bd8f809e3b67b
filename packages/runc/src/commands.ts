/** Explicit command discovery: oclif loads this one module instead of scanning a directory. */
import { lazyCommands } from '@berth/core/dist/cli/lazy-commands';
import Completion from './commands/completion';
import Create from './commands/create';
import Delete from './commands/delete';
import Events from './commands/events';
import Exec from './commands/exec';
import Features from './commands/features';
import Kill from './commands/kill';
import List from './commands/list';
import Pause from './commands/pause';
import Ps from './commands/ps';
import Resume from './commands/resume';
import Run from './commands/run';
import Spec from './commands/spec';
import Start from './commands/start';
import State from './commands/state';
import Update from './commands/update';

export const COMMANDS = lazyCommands({
  completion: () => Completion,
  create: () => Create,
  delete: () => Delete,
  events: () => Events,
  exec: () => Exec,
  features: () => Features,
  kill: () => Kill,
  list: () => List,
  pause: () => Pause,
  ps: () => Ps,
  resume: () => Resume,
  run: () => Run,
  spec: () => Spec,
  start: () => Start,
  state: () => State,
  update: () => Update,
});
