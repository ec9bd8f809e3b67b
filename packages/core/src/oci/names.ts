/** The namespace and hook names this runtime recognises in config.json. */
import type { HookName, LinuxNamespaceType } from './types';

/** Sorted, as `runc features` lists them; "time" needs Linux 5.6. */
export const NAMESPACE_TYPES: readonly LinuxNamespaceType[] = Object.freeze(
  ['cgroup', 'ipc', 'mount', 'network', 'pid', 'time', 'user', 'uts'] as LinuxNamespaceType[],
);

/** In the order the runtime runs them; prestart is deprecated by the spec but still run. */
export const HOOK_NAMES: readonly HookName[] = Object.freeze(
  ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'] as HookName[],
);
