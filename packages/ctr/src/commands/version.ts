import { Command } from '@oclif/core';

export default class Version extends Command {
  static override summary = 'print the client and server versions';

  async run(): Promise<void> {
    const v = (require('../../package.json') as { version: string }).version;
    process.stdout.write(VERSION_TEXT.replace(/%v/g, v).replace('%node', process.version));
  }
}

const VERSION_TEXT = 'Client:\n  Version:  %v (berth)\n  Revision: berth\n  Go version: none (Node.js %node)\n\nServer:\n  Version:  %v (berth, no daemon: the client is the server)\n  Revision: berth\n  UUID: berth\n';
