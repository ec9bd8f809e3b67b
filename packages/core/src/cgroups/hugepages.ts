/** The huge page sizes this kernel supports, named as runc names them ("2MB", "1GB"). */
import * as fs from 'node:fs';
import { hugePageSizeName } from './convert';

let cached: string[] | undefined;

export function hugePageSizes(): string[] {
  if (!cached) {
    let names: string[] = [];
    try {
      names = fs.readdirSync('/sys/kernel/mm/hugepages');
    } catch {
      // No hugetlbfs support: no page sizes.
    }
    cached = names.map(hugePageSizeName).filter((n): n is string => n !== undefined);
  }
  return cached;
}
