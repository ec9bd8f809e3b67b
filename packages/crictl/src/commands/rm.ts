import { Flags } from '@oclif/core';
import { CrictlCommand } from '../base';
import { log } from '../output';
import { rpcMessage } from '@berth/core/dist/cri/rpc-error';
import { NotFoundError, StateError } from '@berth/core/dist/errors';

export default class Rm extends CrictlCommand {
  static override summary = 'Remove one or more containers';
  static override usage = 'rm [flags] CONTAINER-ID [CONTAINER-ID...]';
  static override strict = false;
  static override flags = {
    force: Flags.boolean({ char: 'f', description: 'Force removal of the container, disregarding if running' }),
    all: Flags.boolean({ char: 'a', description: 'Remove all containers' }),
    'keep-logs': Flags.boolean({ char: 'k', description: 'Preserve the container log file and its rotations' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Rm);
    const { listContainerViews, removeCriContainer } = require('@berth/core/dist/cri/containers') as typeof import('@berth/core/dist/cri/containers');
    const dirs = this.store(flags);
    const ids = flags.all ? listContainerViews(dirs).map((c) => c.id) : (argv as string[]);
    if (ids.length === 0) {
      if (flags.all) {
        log('info', 'No containers to remove');
        return;
      }
      this.fail('ID cannot be empty');
    }
    // crictl's way: each failure logged (a lookup's error as the CRI gives it, a running
    // container's refusal in crictl's own words, a removal's with its prefix), then one fatal line.
    let errored = false;
    for (const id of ids) {
      try {
        const removed = await removeCriContainer(dirs, id, flags.force);
        // crictl echoes the id as given, and removes the log and its rotations unless told not to.
        process.stdout.write(`${id}\n`);
        if (!flags['keep-logs'] && removed.logPath !== '') {
          const { removeLogFiles } = require('@berth/core/dist/cri/container-logs') as typeof import('@berth/core/dist/cri/container-logs');
          for (const f of removeLogFiles(removed.logPath)) log('error', `removing log file ${f.file} for container ${JSON.stringify(id)} failed: ${f.message}`);
        }
      } catch (err) {
        errored = true;
        log('error', err instanceof NotFoundError ? rpcMessage(err) : err instanceof StateError ? err.message : `removing container ${JSON.stringify(id)} failed: ${rpcMessage(err)}`);
      }
    }
    if (errored) this.fail('unable to remove container(s)');
  }
}
