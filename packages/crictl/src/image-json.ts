/** The CRI `Image` message as crictl prints it (protobuf JSON: field order, 64-bit integers as strings). */
import type { CriImage } from '@berth/core/dist/cri/images';
import type { Json } from './output';

export function criImageJson(img: CriImage): Json {
  return {
    id: img.id,
    repoTags: img.repoTags,
    repoDigests: img.repoDigests,
    size: String(img.size),
    uid: img.uid === undefined ? null : { value: String(img.uid) },
    username: img.username,
    // containerd 1.7 does not fill the image spec of a listed image.
    spec: null,
    pinned: img.pinned,
  };
}

/** crictl's imageByRef order: first repo tag, else first repo digest, else id. */
export function byRef(a: CriImage, b: CriImage): number {
  const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  if (a.repoTags.length > 0 && b.repoTags.length > 0) return cmp(a.repoTags[0] as string, b.repoTags[0] as string);
  if (a.repoDigests.length > 0 && b.repoDigests.length > 0) return cmp(a.repoDigests[0] as string, b.repoDigests[0] as string);
  return cmp(a.id, b.id);
}
