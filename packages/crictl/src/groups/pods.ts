import Inspectp from '../commands/inspectp';
import Pods from '../commands/pods';
import Rmp from '../commands/rmp';
import Runp from '../commands/runp';
import Stopp from '../commands/stopp';

/** crictl's pods commands, keyed by oclif id (one registry per group so groups grow independently). */
export const PODS_COMMANDS = {
  runp: Runp,
  pods: Pods,
  inspectp: Inspectp,
  stopp: Stopp,
  rmp: Rmp,
};
