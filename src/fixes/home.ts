/**
 * Where netdoctor keeps what its fixes change: `~/.netdoctor` (the undo
 * records under `undo/`, the socat forwards it started in `forwards.json`).
 * `NETDOCTOR_HOME` moves it (tests, shared machines).
 */
import { homedir } from "node:os";
import { join } from "node:path";

/** Environment variable that overrides the state directory. */
export const HOME_ENV = "NETDOCTOR_HOME";

/** The state directory: `$NETDOCTOR_HOME`, else `$HOME/.netdoctor`. Not created here. */
export function netdoctorHome(env: NodeJS.ProcessEnv = process.env): string {
  const own = env[HOME_ENV];
  if (own) return own;
  return join(env["HOME"] || env["USERPROFILE"] || homedir(), ".netdoctor");
}
