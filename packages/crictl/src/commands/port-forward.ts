import { Args, Flags } from '@oclif/core';
import { CrictlCommand, baseFlagsFreeing } from '../base';
import { rpcMessage } from '@berth/core/dist/cri/rpc-error';

/** klog's error line, as client-go's runtime.HandleError prints a failed connection. */
function klogError(message: string): string {
  const d = new Date();
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `E${p(d.getMonth() + 1)}${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds() * 1000, 6)} ${String(process.pid).padStart(7)} portforward.go:413] ${message}\n`;
}

export default class PortForward extends CrictlCommand {
  static override summary = 'Forward local port to a pod';
  static override description = 'berth has no streaming server: crictl itself listens on localhost and dials localhost:REMOTE_PORT inside the pod\'s network namespace (what containerd does behind its server), until interrupted.';
  static override usage = 'port-forward [flags] POD-ID [LOCAL_PORT:]REMOTE_PORT';
  static override strict = false;
  static override args = {
    id: Args.string({ description: 'POD-ID', required: true }),
    port: Args.string({ description: '[LOCAL_PORT:]REMOTE_PORT', required: true }),
  };
  // port-forward's own -r, as in crictl; the runtime endpoint keeps its long form.
  static override baseFlags = baseFlagsFreeing('r');
  static override flags = {
    transport: Flags.string({ char: 'r', description: 'Transport protocol to use, one of: spdy|websocket (berth: no streaming server, accepted and ignored)', default: 'spdy', options: ['spdy', 'websocket'] }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(PortForward);
    const pf = require('@berth/core/dist/cri/port-forward') as typeof import('@berth/core/dist/cri/port-forward');
    const [id, ...specs] = argv as string[];
    let ports;
    let target;
    try {
      target = pf.portForwardTarget(this.store(flags).root, id as string);
    } catch (err) {
      this.fail(`port forward: ${rpcMessage(err)}`);
    }
    // The ports are client-go's to parse, after the CRI call: their errors are not RPC errors.
    try {
      ports = pf.parsePorts(specs);
    } catch (err) {
      this.fail(`port forward: ${(err as Error).message}`);
    }
    // client-go's forwarder stops on SIGINT and SIGTERM, and the command then succeeds.
    const stop = new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    try {
      await pf.forwardPorts(target, ports, {
        listening: (address, p) => process.stdout.write(`Forwarding from ${address}:${p.local} -> ${p.remote}\n`),
        listenFailed: (p, message) => process.stderr.write(`Unable to listen on port ${p.local}: ${message}\n`),
        connection: (p) => process.stdout.write(`Handling connection for ${p.local}\n`),
        failed: (p, message) => process.stderr.write(klogError(`an error occurred forwarding ${p.local} -> ${p.remote}: ${message}`)),
      }, stop);
    } catch (err) {
      this.fail(`port forward: ${(err as Error).message}`);
    }
    process.exit(0);
  }
}
