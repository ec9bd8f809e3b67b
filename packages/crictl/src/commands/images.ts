import { Args, Flags } from '@oclif/core';
import type { CriImage } from '@berth/core/dist/cri/images';
import { CrictlCommand } from '../base';
import { byRef, criImageJson } from '../image-json';
import { humanSize, printStructured, table, truncateId } from '../output';
import { crictlSettings, debug } from '../settings';

export default class Images extends CrictlCommand {
  static override summary = 'List images';
  static override aliases = ['image', 'img'];
  static override usage = 'images [flags] [REPOSITORY[:TAG]]';
  static override args = {
    // containerd 1.7's ListImages ignores the filter: every image is listed, as there.
    image: Args.string({ description: 'REPOSITORY[:TAG] (ignored by containerd, which lists every image)' }),
  };
  static override flags = {
    verbose: Flags.boolean({ char: 'v', description: 'Show verbose info for images' }),
    quiet: Flags.boolean({ char: 'q', description: 'Only show image IDs' }),
    filter: Flags.string({ char: 'f', multiple: true, description: 'Filter output based on provided conditions.\nAvailable filters: \n* dangling=(boolean - true or false)\n* reference=/regular expression/\n* before=<image-name>[:<tag>]|<image id>|<image@digest>\n* since=<image-name>[:<tag>]|<image id>|<image@digest>\nMultiple filters can be combined together.' }),
    output: Flags.string({ char: 'o', description: 'Output format, One of: json|yaml|table' }),
    digests: Flags.boolean({ description: 'Show digests' }),
    'no-trunc': Flags.boolean({ description: 'Show output without truncating the ID' }),
    pinned: Flags.boolean({ description: 'Show whether the image is pinned or not' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Images);
    crictlSettings(flags, this.argv);
    const { listCriImages } = require('@berth/core/dist/cri/images') as typeof import('@berth/core/dist/cri/images');
    debug('get image connection');
    let images = listCriImages(this.store(flags).root).sort(byRef);
    if (flags.filter && flags.filter.length > 0 && images.length > 0) images = applyFilters(images, flags.filter, (m) => this.error(`listing images: ${m}`));
    if (printStructured(flags.output, { images: images.map(criImageJson) })) return;

    const rows: string[][] = [];
    if (!flags.verbose && !flags.quiet) {
      rows.push(['IMAGE', 'TAG', ...(flags.digests ? ['DIGEST'] : []), 'IMAGE ID', 'SIZE', ...(flags.pinned ? ['PINNED'] : [])]);
    }
    let out = '';
    for (const img of images) {
      if (flags.quiet) {
        out += `${img.id}\n`;
        continue;
      }
      if (flags.verbose) {
        out += `ID: ${img.id}\n`;
        for (const t of img.repoTags) out += `RepoTags: ${t}\n`;
        for (const d of img.repoDigests) out += `RepoDigests: ${d}\n`;
        if (img.size !== 0) out += `Size: ${img.size}\n`;
        if (img.uid !== undefined) out += `Uid: &Int64Value{Value:${img.uid},}\n`;
        if (img.username !== '') out += `Username: ${img.username}\n`;
        if (img.pinned) out += 'Pinned: true\n';
        out += '\n';
        continue;
      }
      const [name, repoDigest] = repoDigestPair(img.repoDigests);
      let digest = repoDigest;
      let id = img.id;
      if (!flags['no-trunc']) {
        id = truncateId(id, 'sha256:');
        digest = truncateId(digest, 'sha256:');
      }
      for (const [repo, tag] of repoTagPairs(img.repoTags, name)) {
        rows.push([repo, tag, ...(flags.digests ? [digest] : []), id, humanSize(img.size, 3), ...(flags.pinned ? [String(img.pinned)] : [])]);
      }
    }
    process.stdout.write(out + table(rows));
  }
}

/** crictl's normalizeRepoDigest: the first repo digest split at '@'. */
function repoDigestPair(digests: string[]): [string, string] {
  if (digests.length === 0) return ['<none>', '<none>'];
  const parts = (digests[0] as string).split('@');
  return parts.length === 2 ? [parts[0] as string, parts[1] as string] : ['errorName', 'errorRepoDigest'];
}

/** crictl's normalizeRepoTagPair: `repo:tag` split at the last ':'; no tags gives `<name> <none>`. */
function repoTagPairs(tags: string[], imageName: string): [string, string][] {
  if (tags.length === 0) return [[imageName, '<none>']];
  return tags.map((t) => {
    const i = t.lastIndexOf(':');
    if (i < 0) return ['errorRepoTag', 'errorRepoTag'];
    const name = t.slice(0, i);
    return [name === '<none>' ? imageName : name, t.slice(i + 1)];
  });
}

/** crictl's client-side --filter: dangling, reference, before and since, applied in turn. */
function applyFilters(images: CriImage[], filters: string[], fail: (m: string) => never): CriImage[] {
  let out = [...images];
  for (const f of filters) {
    if (f.startsWith('before=')) {
      out = beforeSince(f.slice(7), [...out].reverse()).reverse();
    } else if (f.startsWith('since=')) {
      out = beforeSince(f.slice(6), out);
    } else if (f.startsWith('dangling=')) {
      const v = f.slice(9);
      out = out.filter((i) => (v === 'true' && i.repoTags.length === 0) || (v === 'false' && i.repoTags.length > 0));
    } else if (f.startsWith('reference=')) {
      const v = f.slice(10);
      let re: RegExp;
      try {
        re = new RegExp(v);
      } catch (err) {
        return fail(`error parsing regexp: ${(err as Error).message}`);
      }
      out = out.filter((i) => {
        const name = repoDigestPair(i.repoDigests)[0];
        return re.test(name) || name === v;
      });
    } else {
      return fail(`unknown filter flag: ${f}`);
    }
  }
  return out;
}

/** The images listed after the one `value` names (crictl's filterByBeforeSince). */
function beforeSince(value: string, list: CriImage[]): CriImage[] {
  const out: CriImage[] = [];
  const hasColon = value.includes(':');
  const hasAt = value.includes('@');
  for (const img of list) {
    if (hasColon && !hasAt) {
      const pair = repoTagPairs(img.repoTags, repoDigestPair(img.repoDigests)[0])[0] as [string, string];
      if (pair.join(':') === value) break;
      out.push(img);
    } else if (!hasColon && !hasAt) {
      if (img.id.startsWith(value)) break;
      out.push(img);
    } else if (hasColon && hasAt && img.repoDigests.length > 0) {
      if ((img.repoDigests[0] as string).startsWith(value)) break;
      out.push(img);
    }
  }
  return out;
}
