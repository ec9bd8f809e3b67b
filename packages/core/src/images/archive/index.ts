/** Image archives: reading docker-save and OCI layout tars (import) and writing OCI layout tars (export). */
export { readArchive, ArchiveContents, type ArchiveFile, type ReadArchiveOptions } from './reader';
export { dockerIndex, ociReferenceName, ANNOTATION_IMAGE_NAME, ANNOTATION_REF_NAME, type OciDescriptor } from './docker';
export { planImport, type ImportPlan, type PlannedBlob, type PlannedImage, type NameOptions } from './plan';
export { cleanEntryName, symlinkTarget, blobDigestOf } from './entry-name';
export { TarWriter } from './tar-writer';
