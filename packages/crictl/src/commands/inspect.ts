import { Args } from '@oclif/core';
import { CrictlCommand } from '../base';
import { nsRfc3339Nano } from '@berth/core/dist/util/time';
import { inspectFlags, labelBlocks, sortedJson } from '../inspect-common';
import { goJson, statusInfoDoc, type Json } from '../output';
import { rpcMessage } from '@berth/core/dist/cri/rpc-error';

const TIMES = ['createdAt', 'startedAt', 'finishedAt'];

export default class Inspect extends CrictlCommand {
  static override summary = 'Display the status of one or more containers';
  static override usage = 'inspect [flags] CONTAINER-ID [CONTAINER-ID...]';
  static override strict = false;
  static override args = { id: Args.string({ description: 'CONTAINER-ID', required: true }) };
  static override flags = inspectFlags;

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Inspect);
    const { criContainerView } = require('@berth/core/dist/cri/containers') as typeof import('@berth/core/dist/cri/containers');
    const cj = require('@berth/core/dist/cri/container-json') as typeof import('@berth/core/dist/cri/container-json');
    const output = flags.output || 'json';
    const dirs = this.store(flags);
    for (const id of argv as string[]) {
      let v;
      try {
        v = criContainerView(dirs, id);
      } catch (err) {
        this.fail(`getting the status of the container ${JSON.stringify(id)}: ${rpcMessage(err)}`);
      }
      const raw = cj.criContainerStatus(v) as { [k: string]: Json };
      // cri-tools re-marshals the status through a map: times as RFC 3339, nested maps sorted.
      const status: { [k: string]: Json } = {};
      for (const [k, x] of Object.entries(raw)) status[k] = TIMES.includes(k) ? nsRfc3339Nano(x as string) : sortedJson(x);
      const info = flags.quiet ? undefined : cj.criContainerInfo(v);
      if (output === 'json' || output === 'yaml' || output === 'go-template') {
        this.printStatus(`getting the status of the container ${JSON.stringify(id)}`, output, statusInfoDoc(status, info), flags.template);
        continue;
      }
      if (output !== 'table') this.fail(`getting the status of the container ${JSON.stringify(id)}: output option cannot be ${output}`);
      let out = `ID: ${v.id}\nName: ${v.config.metadata.name}\nState: ${v.state}\nCreated: ${status['createdAt'] as string}\n`;
      if (v.startedAt !== '0') out += `Started: ${status['startedAt'] as string}\n`;
      if (v.state === 'CONTAINER_EXITED') out += `Finished: ${status['finishedAt'] as string}\nExit Code: ${v.exitCode}\nReason: ${v.reason}\n`;
      out += labelBlocks(v.config.labels, v.config.annotations);
      if (info) out += `Info: map[info:${goJson(JSON.parse(info.info as string) as Json, 0)}]\n`;
      process.stdout.write(out);
    }
  }
}
