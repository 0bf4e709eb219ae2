/**
 * Parse one YAML document of plain data on a diagnosis's path: a kubeconfig,
 * the lab's host files (listeners, interfaces), a k3d serverlb's
 * `values.yaml`. Returns what the document holds (`undefined` for an empty
 * one); throws js-yaml's `YAMLException` for text that is not YAML (its
 * message's first line says what and where, e.g. `bad indentation of a
 * mapping entry (3:5)`).
 *
 * js-yaml with its YAML 1.2 core schema — no timestamps turned into Dates, no
 * `!!binary`, as the `yaml` package parses by default — because it is the
 * parser @kubernetes/client-node loads kubeconfigs with, and because a
 * diagnosis spends its first YAML parse on cold code: measured on the lab's
 * 1.2 KB kubeconfig through the code cache, 6–11 ms with `yaml`, about a
 * third of that with js-yaml. `yaml` stays where its document model is used:
 * writing YAML, line numbers of a forward in a file, scenario and
 * configuration files.
 */
import { CORE_SCHEMA, load } from "js-yaml";

/** @throws YAMLException for text that is not YAML. */
export function parseDataYaml(text: string): unknown {
  return load(text, { schema: CORE_SCHEMA });
}
