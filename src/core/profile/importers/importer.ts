import type { ProfileInput } from '../input';
import type { ProfileSet } from '../model';

/**
 * One importer per format (speedscope's habit): `sniff` looks at the first bytes of the
 * decompressed content, `import` reads the whole input and feeds a ProfileBuilder.
 * Importers throw ProfileImportError (never a raw error) for content they cannot read.
 */
export interface Importer {
  /** Stable format id used in CLI/JSON output: "cpuprofile", "pprof", … */
  readonly format: string;
  /** Human name: "Chrome/V8 .cpuprofile". */
  readonly label: string;
  /** True when `head` (first ≤64 KiB, decompressed; `headText` is its UTF-8 decoding) looks like this format. */
  sniff(head: Uint8Array, headText: string): boolean;
  import(input: ProfileInput): Promise<ProfileSet>;
}
