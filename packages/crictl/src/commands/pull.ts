import { Args, Flags } from '@oclif/core';
import { CrictlCommand } from '../base';
import { crictlSettings, debug } from '../settings';

export default class Pull extends CrictlCommand {
  static override summary = 'Pull an image from a registry';
  static override usage = 'pull [flags] NAME[:TAG|@DIGEST]';
  static override args = {
    name: Args.string({ description: 'NAME[:TAG|@DIGEST]' }),
  };
  static override flags = {
    creds: Flags.string({ description: 'Use `USERNAME[:PASSWORD]` for accessing the registry', env: 'CRICTL_CREDS' }),
    auth: Flags.string({ description: 'Use `AUTH_STRING` for accessing the registry. AUTH_STRING is a base64 encoded \'USERNAME[:PASSWORD]\'', env: 'CRICTL_AUTH' }),
    username: Flags.string({ char: 'u', description: 'Use `USERNAME` for accessing the registry. The password will be requested on the command line' }),
    'pod-config': Flags.string({ description: 'Use `pod-config.[json|yaml]` to override the pull c' }),
    annotation: Flags.string({ char: 'a', description: 'Annotation to be set on the pulled image', multiple: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Pull);
    crictlSettings(flags, this.argv);
    if (!args.name) this.error('Image name cannot be empty');
    const auth = this.auth(flags);
    if (flags['pod-config'] !== undefined) this.checkPodConfig(flags['pod-config']);
    for (const a of flags.annotation ?? []) {
      if (a.split('=').length !== 2) this.error(`incorrectly specified label: ${a}`);
    }
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    const { criPullImage } = require('@berth/core/dist/cri/images') as typeof import('@berth/core/dist/cri/images');
    const cfg = loadConfig(flags['berth-config']);
    debug('get image connection');
    debug(`PullImageRequest: &PullImageRequest{Image:&ImageSpec{Image:${args.name},},}`);
    let id: string;
    try {
      id = await criPullImage({
        root: this.store(flags).root,
        image: args.name,
        auth,
        snapshotter: cfg.snapshotter,
        hostsDir: cfg.registryConfigPath,
        maxConcurrentDownloads: cfg.maxConcurrentDownloads,
      });
    } catch (err) {
      this.error(`pulling image: ${(err as Error).message}`);
    }
    debug(`PullImageResponse: &PullImageResponse{ImageRef:${id},}`);
    process.stdout.write(`Image is up to date for ${id}\n`);
  }

  /** crictl's getAuth: --username asks for the password; --creds and --auth exclude each other. */
  private auth(flags: { creds?: string; auth?: string; username?: string }): { username?: string; password?: string; auth?: string } | undefined {
    if (flags.username) {
      process.stdout.write('Enter Password:');
      const password = readLine();
      process.stdout.write('\n');
      return { username: flags.username, password };
    }
    if (flags.creds && flags.auth) this.error('both `--creds` and `--auth` are specified');
    if (flags.creds) {
      const i = flags.creds.indexOf(':');
      if (i < 0) return { username: flags.creds, password: '' };
      if (i === 0) this.error('username can\'t be empty');
      return { username: flags.creds.slice(0, i), password: flags.creds.slice(i + 1) };
    }
    if (flags.auth) return { auth: flags.auth };
    return undefined;
  }

  /** The pod config only chooses a snapshotter in containerd: it must still load. */
  private checkPodConfig(file: string): void {
    const fs = require('node:fs') as typeof import('node:fs');
    let doc: { metadata?: { name?: unknown; namespace?: unknown; uid?: unknown; attempt?: unknown } } | null;
    try {
      const { parse } = require('yaml') as typeof import('yaml');
      doc = parse(fs.readFileSync(file, 'utf8')) as typeof doc;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      this.error(`load podSandboxConfig: ${code === 'ENOENT' ? `config at ${file} not found` : (err as Error).message.split('\n')[0]}`);
    }
    const md = doc?.metadata;
    if (!md) this.error('load podSandboxConfig: metadata is not set');
    if (!md.name || !md.namespace || !md.uid) {
      // Go's %q of the message's String().
      const text = `&PodSandboxMetadata{Name:${String(md.name ?? '')},Uid:${String(md.uid ?? '')},Namespace:${String(md.namespace ?? '')},Attempt:${String(md.attempt ?? 0)},}`;
      this.error(`load podSandboxConfig: name, namespace or uid is not in metadata ${JSON.stringify(text)}`);
    }
  }
}

/** One line from stdin, with echo off on a terminal (the password prompt). */
function readLine(): string {
  const fs = require('node:fs') as typeof import('node:fs');
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const tty = process.stdin.isTTY === true;
  if (tty) spawnSync('stty', ['-echo'], { stdio: 'inherit' });
  try {
    const buf = Buffer.alloc(1);
    let line = '';
    while (fs.readSync(0, buf, 0, 1, null) === 1 && buf[0] !== 0x0a) line += String.fromCharCode(buf[0] as number);
    return line.replace(/\r$/, '');
  } finally {
    if (tty) spawnSync('stty', ['echo'], { stdio: 'inherit' });
  }
}
