import { Args } from '@oclif/core';
import { CrictlCommand } from '../base';
import { inspectFlags, labelBlocks, sortedJson } from '../inspect-common';
import { goJson, statusInfoDoc, type Json } from '../output';
import { goTimeValue, nsRfc3339Nano } from '@berth/core/dist/util/time';
import { rpcMessage } from '@berth/core/dist/cri/rpc-error';

export default class Inspectp extends CrictlCommand {
  static override summary = 'Display the status of one or more pods';
  static override usage = 'inspectp [flags] POD-ID [POD-ID...]';
  static override strict = false;
  static override args = { id: Args.string({ description: 'POD-ID', required: true }) };
  static override flags = inspectFlags;

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Inspectp);
    const { openMetadata } = require('@berth/core/dist/metadata/store') as typeof import('@berth/core/dist/metadata/store');
    const { resolveSandbox } = require('@berth/core/dist/cri/sandbox') as typeof import('@berth/core/dist/cri/sandbox');
    const cj = require('@berth/core/dist/cri/cri-json') as typeof import('@berth/core/dist/cri/cri-json');
    const output = flags.output || 'json';
    const dirs = this.store(flags);
    const store = openMetadata(dirs.root);
    try {
      for (const id of argv as string[]) {
        let pod;
        try {
          pod = resolveSandbox(store, id);
        } catch (err) {
          this.fail(`getting the pod sandbox status for ${JSON.stringify(id)}: ${rpcMessage(err)}`);
        }
        const raw = cj.criPodSandboxStatus(pod) as { [k: string]: Json };
        // cri-tools re-marshals the status through a map: fields in proto order, nested maps sorted.
        const status: { [k: string]: Json } = {};
        for (const [k, v] of Object.entries(raw)) status[k] = k === 'createdAt' ? nsRfc3339Nano(pod.createdAt) : sortedJson(v);
        const info = flags.quiet ? undefined : cj.sandboxInfo(pod);
        if (output === 'json' || output === 'yaml' || output === 'go-template') {
          this.printStatus(`getting the pod sandbox status for ${JSON.stringify(id)}`, output, statusInfoDoc(status, info), flags.template);
          continue;
        }
        if (output !== 'table') this.fail(`getting the pod sandbox status for ${JSON.stringify(id)}: output option cannot be ${output}`);
        const m = pod.config.metadata;
        let out = `ID: ${pod.id}\n`;
        if (m.name) out += `Name: ${m.name}\n`;
        if (m.uid) out += `UID: ${m.uid}\n`;
        if (m.namespace) out += `Namespace: ${m.namespace}\n`;
        const ips = cj.podIps(pod);
        out += `Attempt: ${m.attempt}\nStatus: ${pod.state}\nCreated: ${goTimeValue(pod.createdAt)}\nIP Addresses: ${ips.ip}\n`;
        for (const ip of ips.additionalIps) out += `Additional IP: ${ip}\n`;
        out += labelBlocks(pod.config.labels, pod.config.annotations);
        if (info) out += `Info: map[info:${goJson(JSON.parse(info.info as string) as Json, 0)}]\n`;
        process.stdout.write(out);
      }
    } finally {
      store.close();
    }
  }
}
