import { type ZipOptions, type Zippable, zipSync } from "fflate";

/** `-rw-r--r--`, in the high 16 bits of the external attributes, as Unix zip tools write it. */
const FILE_ATTRS = 0o100644 << 16;
const UNIX = 3;

function entryOptions(): ZipOptions {
  // The zip (DOS) format stores local time, so the fixed date is built from local-time parts,
  // in the time zone of the moment: the same bytes come out in every zone.
  return { level: 9, mtime: new Date(1980, 0, 1, 0, 0, 0), os: UNIX, attrs: FILE_ATTRS };
}

/**
 * Zips files so that the same contents always give the same bytes: entries sorted by name,
 * fixed timestamps and permissions, fixed compression level. Lambda's code hash, the release's
 * sha256 and promotion all rest on this.
 */
export function deterministicZip(files: Record<string, Uint8Array>): Uint8Array {
  const zippable: Zippable = {};
  for (const name of Object.keys(files).sort()) {
    zippable[name] = [files[name] as Uint8Array, entryOptions()];
  }
  return zipSync(zippable);
}
