/** The registry client's public surface. */
export { RegistryClient } from './client';
export type { Descriptor, RegistryClientOptions, Resolved, FetchedManifest, BlobReader, PushResult, BlobSource, PushBlobOptions } from './client';
export { RegistryError, RegistryAuthError, DigestMismatchError } from './errors';
export { dockerConfigCredentials, dockerConfigPath, parseUserPass, staticCredentials, runCredentialHelper } from './credentials';
export type { Credentials, CredentialSource } from './credentials';
export { registryEndpoints, hostDirectory, defaultServer } from './hosts';
export type { RegistryEndpoint, HostsOptions, Capability } from './hosts';
export { parseChallenges, mergeScopes, repositoryScope } from './auth';
export { digestOf, verifyBytes, VerifyingStream } from './digest';
export { watchTransfers } from './transfer-events';
export type { TransferEvent, TransferWatcher } from './transfer-events';
