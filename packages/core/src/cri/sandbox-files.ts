/**
 * A pod's /etc files, written once at runp into its root directory for its containers to
 * bind-mount: hostname, hosts and resolv.conf (from dns_config, else the host's, as containerd does).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { SandboxPaths } from '../layout';
import type { DnsConfig } from './pod-config';
import { makeDirs } from '../util/make-dirs';
import { InvalidArgumentError } from '../errors';

const HOSTS_BASE = `127.0.0.1\tlocalhost
::1\tlocalhost ip6-localhost ip6-loopback
fe00::0\tip6-localnet
ff00::0\tip6-mcastprefix
ff02::1\tip6-allnodes
ff02::2\tip6-allrouters
`;

/** resolv.conf from a CRI DNSConfig: search, nameserver lines, options (containerd's order). */
export function resolvConf(dns: DnsConfig): string {
  const lines: string[] = [];
  if (dns.searches.length > 0) lines.push(`search ${dns.searches.join(' ')}`);
  for (const s of dns.servers) lines.push(`nameserver ${s}`);
  if (dns.options.length > 0) lines.push(`options ${dns.options.join(' ')}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

export interface SandboxFilesInput {
  hostname: string;
  /** The pod uses the host's network: hosts and resolv.conf are the host's. */
  hostNetwork: boolean;
  dns?: DnsConfig;
}

/** The pod's hostname: the config's, else the host's (what the uts namespace then holds too). */
export function podHostname(configured: string): string {
  // The name goes into /etc/hostname and /etc/hosts lines: white space or a control character
  // would split it into other entries (a newline adds a hosts line of the config's choosing).
  if (/[\s\x00-\x1f\x7f/]/.test(configured)) throw new InvalidArgumentError(`pod config: hostname ${JSON.stringify(configured)} must not contain white space, control characters or "/"`);
  return configured !== '' ? configured : os.hostname();
}

export function writeSandboxFiles(p: SandboxPaths, input: SandboxFilesInput): void {
  makeDirs(p.rootDir, 0o711);
  const hostname = podHostname(input.hostname);
  fs.writeFileSync(p.hostname, `${hostname}\n`, { mode: 0o644 });
  if (input.hostNetwork) fs.copyFileSync('/etc/hosts', p.hosts);
  else fs.writeFileSync(p.hosts, HOSTS_BASE, { mode: 0o644 });
  if (input.dns) fs.writeFileSync(p.resolvConf, resolvConf(input.dns), { mode: 0o644 });
  else fs.copyFileSync('/etc/resolv.conf', p.resolvConf);
}

/** Adds the pod's own address under its hostname, once the network gave it one. */
export function addHostsEntry(hostsFile: string, ip: string, hostname: string): void {
  fs.appendFileSync(hostsFile, `${ip}\t${hostname}\n`);
}
