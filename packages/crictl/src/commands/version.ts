import { Command } from '@oclif/core';

export default class Version extends Command {
  static override summary = 'print the client and server versions';

  async run(): Promise<void> {
    const v = (require('../../package.json') as { version: string }).version;
    process.stdout.write(VERSION_TEXT.replace(/%v/g, v).replace('%node', process.version));
  }
}

const VERSION_TEXT = 'Version:  0.1.0\nRuntimeName:  berth\nRuntimeVersion:  %v\nRuntimeApiVersion:  v1\n';
