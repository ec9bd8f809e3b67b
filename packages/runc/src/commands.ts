/** Explicit command discovery: oclif loads this one module instead of scanning a directory. */
import Create from './commands/create';
import Delete from './commands/delete';
import Kill from './commands/kill';
import List from './commands/list';
import Run from './commands/run';
import Start from './commands/start';
import State from './commands/state';

export const COMMANDS = {
  create: Create,
  delete: Delete,
  kill: Kill,
  list: List,
  run: Run,
  start: Start,
  state: State,
};
