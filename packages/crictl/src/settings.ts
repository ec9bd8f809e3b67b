/**
 * crictl's start-up step (cri-tools' app.Before): the client config file under the global flags.
 * Every command calls `crictlSettings` first; a bad config file named with -c/--config (or
 * CRI_CONFIG_FILE) is fatal, a bad default one is ignored, as cri-tools does.
 */
import * as path from 'node:path';
import type { CrictlSettings } from '@berth/core/dist/cri/crictl-config';
import { log } from './log';

export interface GlobalFlagValues {
  config: string;
  debug?: boolean;
  'runtime-endpoint'?: string;
  'image-endpoint'?: string;
  timeout?: string;
}

function given(argv: string[], long: string, short?: string): boolean {
  return argv.some((a) => a === long || a.startsWith(`${long}=`) || (short !== undefined && (a === short || a.startsWith(`${short}=`) || (a.startsWith(short) && !a.startsWith('--')))));
}

let current: CrictlSettings | undefined;

export function crictlSettings(flags: GlobalFlagValues, argv: string[]): CrictlSettings {
  const { resolveCrictlSettings } = require('@berth/core/dist/cri/crictl-config') as typeof import('@berth/core/dist/cri/crictl-config');
  current = resolveCrictlSettings({
    config: flags.config,
    configExplicit: given(argv, '--config', '-c') || process.env['CRI_CONFIG_FILE'] !== undefined,
    debug: given(argv, '--debug', '-D') ? true : undefined,
    runtimeEndpoint: flags['runtime-endpoint'],
    imageEndpoint: flags['image-endpoint'],
    timeout: given(argv, '--timeout', '-t') ? flags.timeout : undefined,
    // The program's directory: the package's bin/ (this file is in dist/, bundled or not).
  }, path.join(__dirname, '..', 'bin'));
  return current;
}

/** A logrus debug line when debug is on (from -D or the config file). */
export function debug(message: string): void {
  if (current?.debug) log('debug', message);
}
