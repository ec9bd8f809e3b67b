/** Containers made from images: their OCI spec, as containerd's ctr generates it. */
export { generateSpec, type SpecSource } from './generate';
export type { ImageConfig, SpecOptions } from './spec-options';
export { defaultUnixSpec, DEFAULT_UNIX_CAPS } from './default-unix-spec';
export { defaultSeccompProfile } from './seccomp';
export { resolveImageConfig, type ResolvedImage } from './image-config';
export { layerDirs, rootfsReader, type RootfsReader } from './rootfs-files';
export { parseContainerFilters } from './filters';
export { mergeEnv, readEnvFile } from './env';
export { resolveUser, specUser } from './user';
