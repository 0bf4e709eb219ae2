/** Find an executable on PATH, as `command -v` does. No I/O beyond stat. */
import { access, constants, stat } from "node:fs/promises";
import { delimiter, join } from "node:path";

/** Absolute path of the executable file `name` on `env.PATH` (`Path` on Windows), or null when there is none. */
export async function which(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  for (const dir of (env["PATH"] ?? env["Path"] ?? "").split(delimiter).filter(Boolean)) {
    const p = join(dir, name);
    try {
      await access(p, constants.X_OK);
      if ((await stat(p)).isFile()) return p;
    } catch {
      // not here
    }
  }
  return null;
}
