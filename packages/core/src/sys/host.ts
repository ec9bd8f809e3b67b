/** UTS names and kernel keyrings. */
import { call } from './libc';

export function sethostname(name: string): void {
  call('int sethostname(const char *, size_t)', 'sethostname', name, name, Buffer.byteLength(name));
}

export function setdomainname(name: string): void {
  call('int setdomainname(const char *, size_t)', 'setdomainname', name, name, Buffer.byteLength(name));
}

const SYS_KEYCTL = 250; // x86_64
const KEYCTL_JOIN_SESSION_KEYRING = 1;

/** Gives the process a new session keyring, as runc does so containers don't share the host's. */
export function joinSessionKeyring(name: string): void {
  call('long syscall(long, long, const char *)', 'keyctl', 'KEYCTL_JOIN_SESSION_KEYRING', SYS_KEYCTL, KEYCTL_JOIN_SESSION_KEYRING, name);
}
