/** CRI: pod sandboxes (pinned namespaces, CNI networking) over berth's store. */
export { loadPodSandboxConfig, toPodSandboxConfig, type PodSandboxConfig, type NamespaceMode } from './pod-config';
export { runPodSandbox, stopPodSandbox, removePodSandbox, listSandboxes, resolveSandbox, type RunPodOptions, type StoreDirs } from './sandbox';
export { criPodSandbox, criPodSandboxStatus, sandboxInfo } from './cri-json';
export { sandboxSpec, CRI_NAMESPACE, type Sandbox, type SandboxState } from './sandbox-record';
export { podContainers } from './pod-containers';
export { CONTAINER_METADATA_EXTENSION } from './container-record';
