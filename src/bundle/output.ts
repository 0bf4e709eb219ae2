/**
 * Where `netdoctor bundle -o FILE` may write (issue 14 §6): a bundle never
 * replaces a file netdoctor did not write (unless `--force`), never goes to a
 * pseudo-filesystem or a device (`/proc/…` would hang or fail half-way), and
 * an unredacted bundle is named `…-UNREDACTED.tar.gz` and readable by its
 * owner only (mode 0600).
 */
import { closeSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "../errors.js";

/** Directory trees of kernel pseudo-filesystems and devices: no bundle goes there. */
const PSEUDO_ROOTS = ["/proc", "/sys", "/dev"];

/** `x.tar.gz` → `x-UNREDACTED.tar.gz` (unchanged when the name already says so). */
export function unredactedName(file: string): string {
  if (/UNREDACTED/.test(basename(file))) return file;
  const m = /^(.*?)((?:\.tar)?\.t?gz)?$/i.exec(file)!;
  return `${m[1]}-UNREDACTED${m[2] ?? ""}`;
}

/** True when `file` starts like a gzip stream whose tar holds a netdoctor `manifest.json` (the first entry netdoctor writes). */
async function isNetdoctorBundle(file: string): Promise<boolean> {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(2);
    if (readSync(fd, head, 0, 2, 0) < 2 || head[0] !== 0x1f || head[1] !== 0x8b) return false;
  } finally {
    closeSync(fd);
  }
  const tar = await import("tar");
  let found = false;
  try {
    await tar.t({ file, onReadEntry: (e) => void (e.path === "manifest.json" ? (found = true) : undefined) });
  } catch {
    return false;
  }
  return found;
}

/**
 * Check (and adjust) the output path before anything is collected.
 * @returns the absolute path to write (renamed `…-UNREDACTED` when not redacted)
 * @throws UsageError for a pseudo-filesystem or device, a directory, or an existing file that is not a netdoctor bundle (without `force`)
 */
export async function checkBundleOutput(file: string, o: { redact: boolean; force: boolean }): Promise<string> {
  let out = resolve(file);
  if (!o.redact) out = unredactedName(out);
  let dir = dirname(out);
  try {
    dir = realpathSync(dir);
  } catch {
    // Created later (mkdir -p): judged by its name.
  }
  const real = join(dir, basename(out));
  if (PSEUDO_ROOTS.some((r) => real === r || real.startsWith(`${r}/`))) {
    throw new UsageError(`-o ${file}: ${dirname(real)} is a kernel pseudo-filesystem or device tree, not a place for a bundle`);
  }
  let st: ReturnType<typeof statSync> | null = null;
  try {
    st = statSync(out);
  } catch {
    st = null;
  }
  if (st && !st.isFile()) throw new UsageError(`-o ${file}: ${st.isDirectory() ? "is a directory" : "is not a regular file"}`);
  if (st && !o.force && !(await isNetdoctorBundle(out))) {
    throw new UsageError(`-o ${file}: the file exists and is not a netdoctor bundle: refusing to overwrite it (pass --force to replace it)`);
  }
  return out;
}
