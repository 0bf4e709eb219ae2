/**
 * Package metadata read from package.json at run time (works from src/ and
 * from dist/src/): the tool version and the package root directory.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the directory holding netdoctor's package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "schema"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("netdoctor package root not found");
    dir = up;
  }
}

/** netdoctor's version from package.json. */
export function toolVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}
