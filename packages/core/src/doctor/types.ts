/** One finding of `ctr doctor`. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface DoctorCheck {
  /** Short name, e.g. "overlayfs", "cgroups", "cni-plugins". */
  name: string;
  /** fail: a required feature is missing; warn: an optional one is (some commands will refuse). */
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to install or change, when the check is not ok. */
  fix?: string;
  /** berth cannot run containers without it. */
  required: boolean;
}

export interface DoctorOptions {
  /** Persistent store (--root). */
  root: string;
  /** Ephemeral state (--state). */
  state: string;
  /** CNI plugin directories (colon-separated, the config's cni.bin_dir). */
  cniBinDir: string;
}

export interface DoctorReport {
  checks: DoctorCheck[];
  /** No required check failed. */
  ok: boolean;
}

/** A check's result with `required` and the fix only where they apply. */
export function finding(name: string, required: boolean, ok: boolean, detail: string, fix?: string): DoctorCheck {
  const status: CheckStatus = ok ? 'ok' : required ? 'fail' : 'warn';
  return { name, status, detail, required, ...(ok || fix === undefined ? {} : { fix }) };
}
