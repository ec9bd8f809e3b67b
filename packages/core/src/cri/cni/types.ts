/** The CNI protocol's shapes (spec 0.3.x–1.0.0) that berth reads and writes. */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/** A network configuration list (.conflist); a single .conf is wrapped into one. */
export interface NetworkConfigList {
  cniVersion: string;
  name: string;
  disableCheck?: boolean;
  plugins: JsonObject[];
  /** The file it came from, for error messages. */
  source: string;
}

export interface CniInterface { name: string; mac?: string; sandbox?: string }
export interface CniIpConfig { address: string; gateway?: string; interface?: number; version?: string }

/** A plugin's success result (the parts berth reads; the whole JSON is kept as prevResult). */
export interface CniResult {
  cniVersion: string;
  interfaces?: CniInterface[];
  ips?: CniIpConfig[];
  routes?: Json[];
  dns?: Json;
}

/** Who the network is for: CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_ARGS and runtimeConfig. */
export interface CniRuntime {
  containerId: string;
  netns: string;
  ifName: string;
  /** CNI_ARGS pairs (K8S_POD_NAME=...), IgnoreUnknown added by the caller. */
  args: [string, string][];
  /** runtimeConfig values, handed to the plugins whose `capabilities` ask for them. */
  capabilityArgs: Record<string, Json>;
  binDirs: string[];
  /**
   * An ADD the caller gave up (aborted): no further plugin is started, the one running finishes
   * (a plugin killed half-way could leave what its DEL does not know of), and the call throws
   * CanceledError; the caller then deletes the chain.
   */
  signal?: AbortSignal;
}
