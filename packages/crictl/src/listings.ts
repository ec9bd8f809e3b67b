/**
 * `crictl ps` and `crictl pods`: what they list, from their flags, and their table, ids or verbose
 * text; the commands (commands/ps.ts, commands/pods.ts) and the fast path of the plain forms
 * (fast-list.ts) both use these. -o json|yaml and --image are the commands' alone: what they need
 * (the CRI JSON, YAML, the image store) stays out of the fast path's bundle. No oclif here.
 */
import type { CriContainerView } from '@berth/core/dist/cri/container-views';
import type { StoreDirs } from '@berth/core/dist/cri/sandbox-list';
import type { Sandbox } from '@berth/core/dist/cri/sandbox-record';
import { labelFilter, matchesPattern } from './list-filters';
import { humanDuration } from '@berth/core/dist/util/go-units';
import { table, truncateId } from './table';
import { goTimeValue } from '@berth/core/dist/util/time';

type Fail = (message: string) => never;

export interface PsFlags {
  verbose?: boolean;
  id?: string;
  name?: string;
  pod?: string;
  image?: string;
  state?: string;
  label?: string[];
  quiet?: boolean;
  output?: string;
  all?: boolean;
  latest?: boolean;
  last?: number;
  'no-trunc'?: boolean;
  'resolve-image-path'?: boolean;
}

export interface PodsFlags {
  id?: string;
  name?: string;
  namespace?: string;
  state?: string;
  label?: string[];
  verbose?: boolean;
  quiet?: boolean;
  output?: string;
  latest?: boolean;
  last?: number;
  'no-trunc'?: boolean;
}

const STATES: Record<string, string> = { created: 'CONTAINER_CREATED', running: 'CONTAINER_RUNNING', exited: 'CONTAINER_EXITED', unknown: 'CONTAINER_UNKNOWN' };
const STATE_TEXT: Record<string, string> = { CONTAINER_CREATED: 'Created', CONTAINER_RUNNING: 'Running', CONTAINER_EXITED: 'Exited', CONTAINER_UNKNOWN: 'Unknown' };

/**
 * `crictl ps`'s containers: filtered, newest first, cut by -l/-n. `store` gives the store's
 * directories (read after the flags are checked); `imageId` resolves --image (a name, a short
 * name, an id or its prefix) to an image id.
 */
export function selectContainers(store: () => StoreDirs, flags: PsFlags, fail: Fail, imageId: (image: string) => string | undefined): CriContainerView[] {
  const { listContainerViews } = require('@berth/core/dist/cri/container-views') as typeof import('@berth/core/dist/cri/container-views');
  const labels = labelFilter(flags.label, fail);
  let state: string | undefined;
  if (flags.state !== undefined && flags.state !== '') {
    state = STATES[flags.state.toLowerCase()];
    if (!state) fail('--state should be one of created, running, exited or unknown');
  } else if (!flags.all) {
    // crictl's default: running containers only.
    state = 'CONTAINER_RUNNING';
  }
  // crictl drops the state filter, given or default, for -l and -n N (N > 0).
  if (flags.latest || (flags.last ?? 0) > 0) state = undefined;
  const output = flags.output ?? 'table';
  if (output !== 'table' && output !== 'json' && output !== 'yaml') fail(`listing containers: unsupported output format ${JSON.stringify(output)}`);
  const { idFilter } = require('@berth/core/dist/cri/id-filter') as typeof import('@berth/core/dist/cri/id-filter');
  // The store's directories only now: a bad flag is named before a config that does not load.
  const dirs = store();
  const list = listContainerViews(dirs);
  const byId = idFilter(list.map((c) => c.id), flags.id);
  const { sandboxIds } = require('@berth/core/dist/cri/sandbox-list') as typeof import('@berth/core/dist/cri/sandbox-list');
  const byPod = idFilter(flags.pod ? sandboxIds(dirs.root) : [], flags.pod);
  // --image as crictl's matchesImage: the filter and each container's image resolved to image ids;
  // a filter naming no image matches nothing.
  const image = flags.image ? imageId(flags.image) : undefined;
  const shownList = list.filter((c) => byId(c.id) && byPod(c.sandboxId)
    && (!state || c.state === state) && Object.entries(labels).every(([k, v]) => c.config.labels[k] === v)
    && matchesPattern(flags.name, c.config.metadata.name)
    && (!flags.image || c.imageRef === image));
  shownList.sort((a, b) => newestFirst(a.status.createdAt, b.status.createdAt));
  return shownList.slice(0, shown(shownList.length, flags));
}

/** `crictl ps`'s text: a table, ids (-q) or the verbose list (-v). */
export function containersText(list: CriContainerView[], flags: PsFlags): string {
  const rows: string[][] = [];
  if (!flags.verbose && !flags.quiet) rows.push(['CONTAINER', 'IMAGE', 'CREATED', 'STATE', 'NAME', 'ATTEMPT', 'POD ID', 'POD', 'NAMESPACE']);
  let out = '';
  const now = Date.now();
  for (const c of list) {
    if (flags.quiet) {
      out += `${c.id}\n`;
      continue;
    }
    const m = c.config.metadata;
    // The pod's name and namespace are the kubelet's labels on the container (crictl's "unknown" without them).
    const podName = c.config.labels['io.kubernetes.pod.name'] ?? 'unknown';
    const podNamespace = c.config.labels['io.kubernetes.pod.namespace'] ?? 'unknown';
    const created = Number(BigInt(c.status.createdAt) / 1_000_000n);
    if (flags.verbose) {
      out += `ID: ${c.id}\nPodID: ${c.sandboxId}\nNamespace: ${podNamespace}\n`;
      if (m.name) out += `Name: ${m.name}\n`;
      out += `Attempt: ${m.attempt}\nState: ${STATE_TEXT[c.state] ?? c.state}\nImage: ${c.config.image.image}\nCreated: ${humanDuration(now - created)} ago\n`;
      for (const [title, map] of [['Labels', c.config.labels], ['Annotations', c.config.annotations]] as const) {
        if (Object.keys(map).length === 0) continue;
        out += `${title}:\n`;
        for (const k of Object.keys(map).sort()) out += `\t${k} -> ${map[k]}\n`;
      }
      out += '\n';
      continue;
    }
    // -r: the image's name (its first reference) where the config named it by id.
    let image = flags['resolve-image-path'] && c.imageName !== '' ? c.imageName : c.config.image.image;
    const trunc = !flags['no-trunc'];
    // kubelet sends image ids: crictl shortens a digest as it does ids.
    if (trunc && /^sha256:[a-f0-9]{64}$/.test(image)) image = truncateId(image, 'sha256:');
    rows.push([
      trunc ? truncateId(c.id) : c.id, image, `${humanDuration(now - created)} ago`, STATE_TEXT[c.state] ?? c.state, m.name, String(m.attempt),
      trunc ? truncateId(c.sandboxId) : c.sandboxId, podName, podNamespace,
    ]);
  }
  return out + table(rows);
}

/** `crictl pods`'s pod sandboxes: filtered, newest first, cut by -l/-n. */
export function selectPods(store: () => StoreDirs, flags: PodsFlags, fail: Fail): Sandbox[] {
  const { readSandboxes } = require('@berth/core/dist/cri/sandbox-list') as typeof import('@berth/core/dist/cri/sandbox-list');
  const labels = labelFilter(flags.label, fail);
  let state: string | undefined;
  if (flags.state !== undefined && flags.state !== '') {
    const s = flags.state.toLowerCase();
    if (s !== 'ready' && s !== 'notready') fail('--state should be ready or notready');
    state = s === 'ready' ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY';
  }
  let pods = readSandboxes(store().root);
  // The CRI filter (id or unique prefix, state, labels), then crictl's own (name/namespace regexps, newest first, -l/-n).
  const { idFilter } = require('@berth/core/dist/cri/id-filter') as typeof import('@berth/core/dist/cri/id-filter');
  const byId = idFilter(pods.map((p) => p.id), flags.id);
  pods = pods.filter((p) => byId(p.id) && (!state || p.state === state)
    && Object.entries(labels).every(([k, v]) => p.config.labels[k] === v)
    && matchesPattern(flags.name, p.config.metadata.name) && matchesPattern(flags.namespace, p.config.metadata.namespace));
  pods.sort((a, b) => newestFirst(a.createdAt, b.createdAt));
  pods = pods.slice(0, shown(pods.length, flags));
  const output = flags.output ?? 'table';
  if (output !== 'table' && output !== 'json' && output !== 'yaml') fail(`listing pod sandboxes: unsupported output format ${JSON.stringify(output)}`);
  return pods;
}

/** `crictl pods`'s text: a table, ids (-q) or the verbose list (-v). */
export function podsText(pods: Sandbox[], flags: PodsFlags): string {
  const rows: string[][] = [];
  if (!flags.verbose && !flags.quiet) rows.push(['POD ID', 'CREATED', 'STATE', 'NAME', 'NAMESPACE', 'ATTEMPT', 'RUNTIME']);
  let out = '';
  const now = Date.now();
  for (const p of pods) {
    const m = p.config.metadata;
    const created = Number(BigInt(p.createdAt) / 1_000_000n);
    const stateText = p.state === 'SANDBOX_READY' ? 'Ready' : 'NotReady';
    const runtime = p.runtimeHandler === '' ? '(default)' : p.runtimeHandler;
    if (flags.quiet) {
      out += `${p.id}\n`;
      continue;
    }
    if (flags.verbose) {
      out += `ID: ${p.id}\n`;
      if (m.name) out += `Name: ${m.name}\n`;
      if (m.uid) out += `UID: ${m.uid}\n`;
      if (m.namespace) out += `Namespace: ${m.namespace}\n`;
      if (m.attempt !== 0) out += `Attempt: ${m.attempt}\n`;
      out += `Status: ${stateText}\nCreated: ${goTimeValue(p.createdAt)}\n`;
      const kv = (title: string, o: Record<string, string>): void => {
        out += `${title}:\n`;
        for (const k of Object.keys(o).sort()) out += `\t${k} -> ${o[k]}\n`;
      };
      if (Object.keys(p.config.labels).length > 0) kv('Labels', p.config.labels);
      if (Object.keys(p.config.annotations).length > 0) kv('Annotations', p.config.annotations);
      out += `Runtime: ${runtime}\n\n`;
      continue;
    }
    rows.push([flags['no-trunc'] ? p.id : truncateId(p.id), `${humanDuration(now - created)} ago`, stateText, m.name, m.namespace, String(m.attempt), runtime]);
  }
  return out + table(rows);
}

/** Newest first, by nanosecond timestamps as decimal strings. */
function newestFirst(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return y > x ? 1 : y < x ? -1 : 0;
}

/** How many of `n` -l (one) and -n N (N > 0) keep. */
function shown(n: number, flags: { latest?: boolean; last?: number }): number {
  if (flags.latest) return 1;
  if (flags.last !== undefined && flags.last > 0) return flags.last;
  return n;
}
