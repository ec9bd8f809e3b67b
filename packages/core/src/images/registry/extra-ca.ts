/**
 * Extra CA certificates, read only when a TLS connection is made. Node reads NODE_EXTRA_CA_CERTS
 * at every start (~45 ms here); ctr's and crictl's launchers move it to BERTH_EXTRA_CA_CERTS, so
 * only a pull or push pays for it: Node's default roots plus the file's certificates, once per
 * process. A missing or unreadable file is ignored with a warning, as Node does.
 */
import * as fs from 'node:fs';
import * as tls from 'node:tls';

let cached: string[] | null | undefined;

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Default roots + BERTH_EXTRA_CA_CERTS's (or NODE_EXTRA_CA_CERTS's, if a caller kept it) certificates; null without either. */
export function extraRootCertificates(env: NodeJS.ProcessEnv = process.env): string[] | null {
  if (cached !== undefined) return cached;
  const file = env.BERTH_EXTRA_CA_CERTS;
  // Node already added NODE_EXTRA_CA_CERTS to its roots when it was set at start.
  if (!file) return (cached = null);
  let pems: string[] = [];
  try {
    pems = fs.readFileSync(file, 'utf8').match(PEM) ?? [];
  } catch (err) {
    process.emitWarning(`Ignoring extra certs from \`${file}\`, load failed: ${(err as Error).message}`);
  }
  cached = pems.length > 0 ? [...tls.rootCertificates, ...pems] : null;
  return cached;
}
