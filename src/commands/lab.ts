/**
 * `netdoctor lab [SCENARIO|DIR] [--print-env]`: serve a scenario on loopback
 * until interrupted (DESIGN §8).
 */
import { DEFAULT_LAB_SCENARIO, builtinScenariosDir } from "../lab/defaults.js";

/** Start the lab, print how to use it, wait for SIGINT/SIGTERM, stop it. */
export async function labCommand(scenario: string | undefined, flags: { printEnv?: boolean; keepPorts?: boolean }): Promise<number> {
  const { resolveScenario, startLab, formatEnv } = await import("../lab/index.js");
  const dir = resolveScenario(scenario ?? DEFAULT_LAB_SCENARIO, builtinScenariosDir());
  const lab = await startLab(dir, { keepPorts: !!flags.keepPorts });
  const env = formatEnv(lab);
  if (flags.printEnv) {
    process.stdout.write(env.endsWith("\n") ? env : `${env}\n`);
  } else {
    process.stdout.write(
      [
        `lab ${lab.state.scenario} is serving on loopback (Ctrl-C to stop).`,
        "In another shell, run:",
        "",
        ...env.trimEnd().split("\n").map((l) => `  ${l}`),
        "",
        "then kubectl, docker and netdoctor talk to the lab:",
        ...lab.state.targets.map((t) => `  netdoctor ${t}`),
        "",
      ].join("\n"),
    );
  }
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
  await lab.stop();
  return 0;
}
