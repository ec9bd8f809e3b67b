/**
 * A network list applied as libcni does: ADD runs the plugins in order, each getting the
 * previous one's result as prevResult; DEL runs them in reverse with the cached ADD result;
 * CHECK runs them in order with it. runtimeConfig carries only the capabilities a plugin declares.
 */
import { execPlugin, type CniCommand } from './exec';
import type { CniResult, CniRuntime, Json, JsonObject, NetworkConfigList } from './types';

function pluginConfig(list: NetworkConfigList, plugin: JsonObject, rt: CniRuntime, prevResult: Json | undefined): JsonObject {
  const conf: JsonObject = { ...plugin, name: list.name, cniVersion: list.cniVersion };
  const caps = plugin.capabilities;
  if (caps && typeof caps === 'object' && !Array.isArray(caps)) {
    const runtimeConfig: JsonObject = {};
    for (const [cap, on] of Object.entries(caps)) {
      const v = rt.capabilityArgs[cap];
      if (on === true && v !== undefined) runtimeConfig[cap] = v;
    }
    if (Object.keys(runtimeConfig).length > 0) conf.runtimeConfig = runtimeConfig;
  }
  if (prevResult !== undefined) conf.prevResult = prevResult;
  return conf;
}

/** True for the versions whose DEL and CHECK get prevResult (0.4.0 and later). */
function hasPrevResultOnDel(version: string): boolean {
  const [maj = 0, min = 0] = version.split('.').map(Number);
  return maj > 0 || min >= 4;
}

export async function addNetwork(list: NetworkConfigList, rt: CniRuntime): Promise<CniResult> {
  let result: JsonObject | undefined;
  for (const p of list.plugins) {
    result = (await execPlugin('ADD', list.name, pluginConfig(list, p, rt, result), rt)) ?? result;
  }
  if (!result) return { cniVersion: list.cniVersion };
  return result as unknown as CniResult;
}

/** Runs every plugin even when one fails (a DEL must release what it can), then throws the first error. */
async function run(command: CniCommand, list: NetworkConfigList, rt: CniRuntime, cached: CniResult | undefined, plugins: JsonObject[]): Promise<void> {
  const prev = cached && hasPrevResultOnDel(list.cniVersion) ? (cached as unknown as Json) : undefined;
  let first: unknown;
  for (const p of plugins) {
    try {
      await execPlugin(command, list.name, pluginConfig(list, p, rt, prev), rt);
    } catch (err) {
      if (command !== 'DEL') throw err;
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
}

/** DEL: plugins must succeed when what they would remove is already gone, so it repeats safely. */
export function delNetwork(list: NetworkConfigList, rt: CniRuntime, cached?: CniResult): Promise<void> {
  return run('DEL', list, rt, cached, [...list.plugins].reverse());
}

export async function checkNetwork(list: NetworkConfigList, rt: CniRuntime, cached: CniResult): Promise<void> {
  if (list.disableCheck || !hasPrevResultOnDel(list.cniVersion)) return;
  await run('CHECK', list, rt, cached, list.plugins);
}

/** The pod's addresses from a result: those on the sandbox interface `ifName`, IPv4 first. */
export function podIps(result: CniResult, ifName: string): string[] {
  const ifaces = result.interfaces ?? [];
  const ips = (result.ips ?? []).filter((ip) => {
    if (ip.interface === undefined) return true;
    const i = ifaces[ip.interface];
    return i !== undefined && i.name === ifName && (i.sandbox ?? '') !== '';
  }).map((ip) => ip.address.split('/')[0] as string);
  return [...ips.filter((a) => !a.includes(':')), ...ips.filter((a) => a.includes(':'))];
}
