/** What the task commands share: the --state directory, the io flags, and the foreground relay. */
import { Flags } from '@oclif/core';

export { stateDir } from './list-text';
export { consoleSize, exitAfterFlush, foreground, taskIo } from './task-io';

/** ctr's task io flags (tasks start and run). */
export const IO_FLAGS = {
  'null-io': Flags.boolean({ description: 'Send all IO to /dev/null' }),
  'log-uri': Flags.string({ description: 'Log uri (berth: file:///path appends stdout and stderr to the file)' }),
  'fifo-dir': Flags.string({ description: 'Directory used for storing IO FIFOs (berth: they live in the task directory)', hidden: true }),
  'pid-file': Flags.string({ description: 'File path to write the task\'s pid' }),
};
