/**
 * Reading a working tree's well-known files (bounded), for the port-forwards
 * they record (src/host/recorded-forwards.ts). Never throws: a file that
 * cannot be read, is too large, is not a regular file, or is a symlink
 * leading out of the tree is left out.
 */
import { lstat, readFile, readdir, realpath, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { MAX_FILE_BYTES, MAX_SCRIPTS, WORKDIR_FILES, type WorkdirFile } from "./recorded-forwards.js";

/** Whether `child` (absolute, resolved) lies inside `root` (absolute, resolved). */
function inside(root: string, child: string): boolean {
  const r = relative(root, child);
  return r === "" || (!r.startsWith("..") && !r.startsWith(sep) && r !== "..");
}

/** One file, or null when it must be left out. */
async function readBounded(root: string, rel: string): Promise<WorkdirFile | null> {
  const abs = join(root, rel);
  try {
    const l = await lstat(abs);
    let size = l.size;
    if (l.isSymbolicLink()) {
      const real = await realpath(abs);
      if (!inside(root, real)) return null; // never follow a link out of the tree
      const s = await stat(real);
      if (!s.isFile()) return null;
      size = s.size;
    } else if (!l.isFile()) return null;
    if (size > MAX_FILE_BYTES) return null;
    return { path: rel.split(sep).join("/"), text: await readFile(abs, "utf8") };
  } catch {
    return null;
  }
}

/** `*.sh` names of a directory, sorted; none when it cannot be read. */
async function scripts(root: string, dir: string): Promise<string[]> {
  try {
    return (await readdir(join(root, dir))).filter((n) => n.endsWith(".sh")).sort().map((n) => (dir ? join(dir, n) : n));
  } catch {
    return [];
  }
}

/**
 * The files of the working tree at `dir` that may record port-forwards:
 * WORKDIR_FILES, then up to MAX_SCRIPTS `*.sh` of the top level and
 * `scripts/`, each at most MAX_FILE_BYTES.
 */
export async function readWorkdir(dir: string): Promise<WorkdirFile[]> {
  let root: string;
  try {
    root = await realpath(dir);
  } catch {
    return [];
  }
  const names = [...WORKDIR_FILES, ...[...(await scripts(root, "")), ...(await scripts(root, "scripts"))].slice(0, MAX_SCRIPTS)];
  const files = await Promise.all(names.map((n) => readBounded(root, n)));
  return files.filter((f): f is WorkdirFile => f !== null);
}
