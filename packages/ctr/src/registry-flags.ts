/**
 * The registry flags ctr's pull, push and content fetch share (containerd's RegistryFlags), and
 * `--user` completed with a password: ctr prompts on a terminal; berth also reads it from a
 * non-terminal stdin, so scripts can pipe it in without putting it on the command line.
 */
import { Flags } from '@oclif/core';

export const registryFlags = {
  'skip-verify': Flags.boolean({ char: 'k', description: 'Skip SSL certificate validation' }),
  'plain-http': Flags.boolean({ description: 'Allow connections using plain HTTP' }),
  user: Flags.string({ char: 'u', description: 'User[:password] Registry user and password' }),
  refresh: Flags.string({ description: 'Refresh token for authorization server' }),
  'hosts-dir': Flags.string({ description: 'Custom hosts configuration directory' }),
};

/** The registry flags' values as the core's RegistryAccess; `hostsDir` falls back to the config's. */
export async function registryAccess(
  flags: { 'skip-verify': boolean; 'plain-http': boolean; user?: string; refresh?: string; 'hosts-dir'?: string },
  configHostsDir: string,
): Promise<import('@berth/core/dist/services/fetch').RegistryAccess> {
  return {
    plainHttp: flags['plain-http'], skipVerify: flags['skip-verify'], user: await completeUser(flags.user),
    refreshToken: flags.refresh, hostsDir: flags['hosts-dir'] ?? configHostsDir,
  };
}

/** `user:password` for `--user`; a bare `user` gets its password from the terminal or stdin. */
export async function completeUser(user: string | undefined): Promise<string | undefined> {
  if (user === undefined || user.includes(':')) return user;
  const password = process.stdin.isTTY ? await promptPassword() : await readStdinLine();
  return `${user}:${password}`;
}

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** `Password: ` with echo off, as ctr's passwordPrompt. */
function promptPassword(): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stdout.write('Password: ');
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const done = (err?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stdout.write('\n');
      if (err) reject(err); else resolve(value);
    };
    const onData = (b: Buffer): void => {
      for (const ch of b.toString('utf8')) {
        if (ch === '\r' || ch === '\n') { done(); return; }
        if (ch === '\u0003') { done(new Error('password prompt interrupted')); return; }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
