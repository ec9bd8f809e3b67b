/** The task records shared by the shim and the commands that read its state from disk. */

/** containerd's task statuses, as `ctr tasks ls` prints them. */
export type TaskStatus = 'CREATED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'UNKNOWN';

/** Where the container's stdio goes. */
export type TaskIo =
  | { kind: 'fifo' }
  | { kind: 'null' }
  /** Appends stdout and stderr to a host file (ctr's --log-uri file:///path). */
  | { kind: 'log'; path: string }
  /**
   * A CRI container's: the shim writes stdout and stderr into `path` in CRI's log format ('' :
   * nowhere), gives it the stdin FIFO when `stdin` (else /dev/null), and on exit records the exit
   * in the container's CRI status under `root` and deletes the task, as containerd's CRI plugin.
   */
  | { kind: 'cri'; path: string; stdin: boolean; root: string };

/** What the starter asks of the shim (taskPaths().options). */
export interface ShimOptions {
  namespace: string;
  id: string;
  /** The runtime root of the namespace (runtimeRootForNamespace). */
  runtimeRoot: string;
  io: TaskIo;
  terminal: boolean;
  /** The pty's size before the container starts (the client's terminal). */
  consoleSize?: { rows: number; cols: number };
  pidFile?: string;
}

/** taskPaths().shim: identifies the shim process (a recycled pid is not mistaken for it). */
export interface ShimInfo {
  pid: number;
  startTime: number;
}

/** taskPaths().exit: written once, atomically, when the init has exited. */
export interface ExitInfo {
  pid: number;
  /** The exit code, or 128 + the signal that killed it (as containerd reports it). */
  status: number;
  /** RFC 3339 time of the exit. */
  exitedAt: string;
  /** The OOM killer killed a process of the container while it ran (recorded for CRI containers: their OOMKilled reason). */
  oomKilled?: true;
}

/** The shim's one-line report on its ready channel. */
export type ShimReady = { ok: true; pid: number } | { ok: false; error: string };

export interface TaskInfo {
  id: string;
  pid: number;
  status: TaskStatus;
  /** Set when the status cannot be known: why (e.g. the shim died). */
  reason?: string;
  exit?: ExitInfo;
}

/** execs/<exec-id>.json: a process started by `tasks exec`. */
export interface ExecRecord {
  execId: string;
  pid: number;
  startTime: number;
}

/** The shim's argument that makes it wait for its task on fd 3 (a ShimHandoff line): see prespawn.ts. */
export const PRESPAWNED_ARG = '--prespawned';
/** `shim.js --parked <socket path> <init spec JSON>`: a shim spawned at `crictl create`, fd 3 that socket listening (tasks/parked.ts). */
export const PARKED_ARG = '--parked';

/**
 * `shim.js --serve-run <ctr's dist> <ctr's argv>`: started by ctr's launcher for a `run -d`, it
 * does the CLI's work itself and stays as the task's shim (tasks/shim/serve-run.ts).
 */
export const SERVE_RUN_ARG = '--serve-run';

/** The task a prespawned shim is handed. */
export interface ShimHandoff { state: string; namespace: string; id: string }
