/** Find an executable on PATH, as `command -v` does. No I/O beyond stat. */
import { access, constants } from "node:fs/promises";
import { delimiter, join } from "node:path";

/** Absolute path of `name` on `env.PATH`, or null when it is not there (or not executable). */
export async function which(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  for (const dir of (env["PATH"] ?? "").split(delimiter).filter(Boolean)) {
    const p = join(dir, name);
    try {
      await access(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}
