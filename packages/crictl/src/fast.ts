/**
 * crictl's pod-cycle commands in their plain forms — `runp POD-CONFIG`, `create POD
 * CONTAINER-CONFIG POD-CONFIG`, `start`/`stopp`/`rmp` (with -f) IDs… — served from
 * dist/fast.bundle.js, which launch.js loads instead of the CLI bundle (~14 ms of every crictl
 * command: the bundle, oclif and its second parse in init). The parsing and settings step are
 * fast-forms.ts's, the work the commands' (lifecycle-flows.ts); anything else returns false
 * untouched for oclif. test/crictl/containers.test.mjs compares both paths.
 */
import { errorLine } from '@berth/core/dist/cli/error-line';
import { exitNow } from '@berth/core/dist/sys/exec';
import { fail, GLOBAL_VALUED, parseFast, type FastForm } from './fast-forms';

const CANCEL = { '-T': { name: 'cancel-timeout' }, '--cancel-timeout': { name: 'cancel-timeout' } };
const FORMS: Record<string, FastForm> = {
  // runp's own -r is the runtime handler (runp.ts): the endpoint keeps only its long form there.
  runp: {
    spec: {
      valued: {
        ...GLOBAL_VALUED, ...CANCEL, '-r': { name: 'runtime' }, '--runtime': { name: 'runtime' },
        '--cni-conf-dir': { name: 'cni-conf-dir' }, '--cni-bin-dir': { name: 'cni-bin-dir' },
      },
    },
    args: 1,
    env: { 'cni-conf-dir': 'BERTH_CNI_CONF_DIR', 'cni-bin-dir': 'BERTH_CNI_BIN_DIR' },
  },
  create: {
    spec: {
      valued: { ...GLOBAL_VALUED, ...CANCEL, '--creds': { name: 'creds' }, '--auth': { name: 'auth' } },
      switches: { '--no-pull': 'no-pull', '--with-pull': 'with-pull' },
    },
    args: 3,
    env: { creds: 'CRICTL_CREDS', auth: 'CRICTL_AUTH' },
  },
  start: { spec: { valued: GLOBAL_VALUED }, args: 'some' },
  stopp: { spec: { valued: GLOBAL_VALUED }, args: 'some' },
  rmp: { spec: { valued: GLOBAL_VALUED, switches: { '-f': 'force', '--force': 'force' } }, args: 'some' },
};

const value = (v: string | true | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

export function fast(argv: string[]): boolean {
  const p = parseFast(argv, FORMS);
  if (!p) return false;
  const flows = require('./lifecycle-flows') as typeof import('./lifecycle-flows');
  const dirs = (require('./store') as typeof import('./store')).storeDirs(p.globals);
  const [a0, a1, a2] = p.args as [string, string, string];
  const work = p.command === 'runp' ? flows.runPod(dirs, {
    configFile: a0, runtime: value(p.own.runtime), cniConfDir: value(p.own['cni-conf-dir']), cniBinDir: value(p.own['cni-bin-dir']), cancelTimeout: value(p.own['cancel-timeout']),
    berthConfig: p.globals['berth-config'],
  }, fail)
    : p.command === 'create' ? flows.createContainer(dirs, {
      pod: a0, containerConfig: a1, podConfig: a2,
      pull: p.own['with-pull'] === true || (p.settings.pullImageOnCreate && p.own['no-pull'] !== true),
      creds: value(p.own.creds), auth: value(p.own.auth), berthConfig: p.globals['berth-config'],
    }, fail)
      : p.command === 'start' ? flows.startContainers(dirs, p.args, fail)
        : p.command === 'stopp' ? flows.stopPods(dirs, p.args, fail)
          : flows.removePods(dirs, p.args, { force: p.own.force === true, all: false }, fail);
  // Done: out without Node's teardown of its heap (~10-25 ms of munmap on this VM; exitNow),
  // once the exit listeners (code cache, traces) have run. As CrictlCommand.catch for what the
  // flows throw.
  work.then(() => exitNow(typeof process.exitCode === 'number' ? process.exitCode : 0), (err: Error) => fail(errorLine(err.message)));
  return true;
}
