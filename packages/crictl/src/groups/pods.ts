import Inspectp from '../commands/inspectp';
import Pods from '../commands/pods';
import PortForward from '../commands/port-forward';
import Rmp from '../commands/rmp';
import Runp from '../commands/runp';
import Stopp from '../commands/stopp';
import type { CommandLoaders } from '@berth/core/dist/cli/lazy-commands';

/** crictl's pods commands, keyed by oclif id (one registry per group so groups grow independently). */
export const PODS_COMMANDS: CommandLoaders = {
  runp: () => Runp,
  pods: () => Pods,
  inspectp: () => Inspectp,
  stopp: () => Stopp,
  rmp: () => Rmp,
  'port-forward': () => PortForward,
};
