/**
 * Label and field selectors as the Kubernetes API server parses them from the
 * `labelSelector` and `fieldSelector` query parameters (apimachinery
 * `labels.Parse`, `fields.ParseSelector`).
 */

/** One parsed requirement: `key op values`. */
export interface Requirement {
  key: string;
  op: "=" | "!=" | "in" | "notin" | "exists" | "!";
  values: string[];
}

/** A selector string that does not parse; the API server answers 400 BadRequest with this message. */
export class SelectorError extends Error {
  override readonly name = "SelectorError";
}

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** Parses a label selector: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, comma-joined. Throws SelectorError. */
export function parseLabelSelector(s: string): Requirement[] {
  return splitTopLevel(s).map((part) => {
    let m = /^!\s*([\w./-]+)$/.exec(part);
    if (m) return { key: m[1]!, op: "!", values: [] };
    m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m) return { key: m[1]!, op: m[2] as "in" | "notin", values: m[3]!.split(",").map((v) => v.trim()) };
    m = /^([\w./-]+)\s*(==|!=|=)\s*([\w./-]*)$/.exec(part);
    if (m) return { key: m[1]!, op: m[2] === "!=" ? "!=" : "=", values: [m[3]!] };
    m = /^([\w./-]+)$/.exec(part);
    if (m) return { key: m[1]!, op: "exists", values: [] };
    throw new SelectorError(`unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`);
  });
}

/** True when `labels` satisfy every requirement (Kubernetes semantics: `!=` and `notin` also match a missing key). */
export function matchesLabels(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case "=":
        return has && v === r.values[0];
      case "!=":
        return !has || v !== r.values[0];
      case "in":
        return has && r.values.includes(v!);
      case "notin":
        return !has || !r.values.includes(v!);
      case "exists":
        return has;
      case "!":
        return !has;
    }
  });
}

/** Field paths every kind supports, plus the few kinds add (Pod `spec.nodeName`, `status.phase`; Event `involvedObject.*`). */
const FIELDS: Record<string, string[]> = {
  "*": ["metadata.name", "metadata.namespace"],
  Pod: ["spec.nodeName", "status.phase", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.podIP"],
  Event: ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "reason", "type", "source"],
  Service: [],
  Secret: ["type"],
  Node: ["spec.unschedulable"],
};

/** Parses a field selector for `kind`. Throws SelectorError `field label not supported: X` like the API server. */
export function parseFieldSelector(s: string, kind: string): Requirement[] {
  return splitTopLevel(s).map((part) => {
    const m = /^([\w.]+)\s*(==|!=|=)\s*(.*)$/.exec(part);
    if (!m) throw new SelectorError(`invalid selector: '${s}'; can't understand '${part}'`);
    const key = m[1]!;
    if (![...FIELDS["*"]!, ...(FIELDS[kind] ?? [])].includes(key)) throw new SelectorError(`field label not supported: ${key}`);
    return { key, op: m[2] === "!=" ? "!=" : "=", values: [m[3]!] };
  });
}

function fieldValue(obj: Record<string, unknown>, dotted: string): string {
  let cur: unknown = obj;
  for (const k of dotted.split(".")) cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[k] : undefined;
  return cur === undefined || cur === null ? "" : String(cur);
}

/** True when the object's fields satisfy every field requirement. */
export function matchesFields(reqs: Requirement[], obj: Record<string, unknown>): boolean {
  return reqs.every((r) => (r.op === "=" ? fieldValue(obj, r.key) === r.values[0] : fieldValue(obj, r.key) !== r.values[0]));
}
