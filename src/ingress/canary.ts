/**
 * ingress-nginx canary Ingresses: an Ingress annotated
 * `nginx.ingress.kubernetes.io/canary: "true"` is not a route of its own; its
 * backend becomes the alternative backend of the main Ingress rule with the
 * same host and path, chosen per request. Pure; no I/O.
 *
 * Source: ingress-nginx docs/user-guide/nginx-configuration/annotations.md
 * "Canary":
 * - `canary-by-header`: request header value `always` → canary, `never` →
 *   never the canary; any other value is ignored and the next rule decides;
 * - `canary-by-header-value`: with canary-by-header, the header value that
 *   sends to the canary; any other value is ignored (next rule);
 * - `canary-by-header-pattern`: as -value but a PCRE regular expression,
 *   ignored when -value is set; a pattern that errors does not match;
 * - `canary-by-cookie`: cookie value `always` → canary, `never` → never, other
 *   values ignored;
 * - `canary-weight` (0 … `canary-weight-total`, default total 100): the
 *   percentage of random requests sent to the canary;
 * - precedence `canary-by-header -> canary-by-cookie -> canary-weight`;
 * - "a maximum of one canary ingress can be applied per Ingress rule".
 * JavaScript RegExp stands in for PCRE (the same for the patterns users write:
 * alternations, anchors, classes).
 */
import type { Ingress } from "../kube/types.js";

const PREFIX = "nginx.ingress.kubernetes.io/";

/** The canary annotations of an Ingress, or null when it is not a canary (`canary` is not "true"). */
export interface CanaryRules {
  header: string | null;
  headerValue: string | null;
  headerPattern: string | null;
  cookie: string | null;
  /** `canary-weight`, null when absent or not a number. */
  weight: number | null;
  /** `canary-weight-total`, default 100. */
  weightTotal: number;
}

/** The canary rules of an Ingress (module comment), or null when it is not a canary Ingress. */
export function canaryRulesOf(ing: Ingress): CanaryRules | null {
  const a = ing.metadata.annotations ?? {};
  if ((a[`${PREFIX}canary`] ?? "").trim().toLowerCase() !== "true") return null;
  const str = (k: string) => {
    const v = a[`${PREFIX}${k}`];
    return v !== undefined && v !== "" ? v : null;
  };
  const num = (k: string) => {
    const v = str(k);
    return v !== null && /^\d+$/.test(v.trim()) ? Number(v.trim()) : null;
  };
  return { header: str("canary-by-header"), headerValue: str("canary-by-header-value"), headerPattern: str("canary-by-header-pattern"), cookie: str("canary-by-cookie"), weight: num("canary-weight"), weightTotal: num("canary-weight-total") ?? 100 };
}

/** What the canary rules decide for one request. */
export interface CanaryDecision {
  /** `canary`: the canary backend serves; `main`: the main Ingress's; `split`: a weight sends a share of requests to each. */
  to: "canary" | "main" | "split";
  /** The rule that decided: `header`, `cookie`, `weight`, or `none` (no rule applies: the main Ingress). */
  by: "header" | "cookie" | "weight" | "none";
  /** For `split`: the canary's share in percent (weight / total × 100). */
  percent: number | null;
  /** One clause, naming the annotation and the value seen. */
  reason: string;
}

/** A request as the canary rules see it: header names are case-insensitive. */
export interface CanaryRequest {
  headers: readonly { name: string; value: string }[];
}

function headerOf(req: CanaryRequest, name: string): string | undefined {
  return req.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

/** A cookie's value from the request's Cookie headers (`a=1; b=2`), or undefined. */
export function cookieOf(req: CanaryRequest, name: string): string | undefined {
  for (const h of req.headers) {
    if (h.name.toLowerCase() !== "cookie") continue;
    for (const part of h.value.split(";")) {
      const eq = part.indexOf("=");
      if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
    }
  }
  return undefined;
}

/**
 * Which backend the canary rules pick for a request, in ingress-nginx's
 * precedence header → cookie → weight (module comment).
 */
export function decideCanary(rules: CanaryRules, req: CanaryRequest): CanaryDecision {
  if (rules.header) {
    const v = headerOf(req, rules.header);
    const ann = `canary-by-header ${rules.header}`;
    if (v !== undefined) {
      if (rules.headerValue !== null) {
        if (v === rules.headerValue) return { to: "canary", by: "header", percent: null, reason: `${ann} is ${JSON.stringify(v)} (canary-by-header-value)` };
      } else if (rules.headerPattern !== null) {
        let re: RegExp | null = null;
        try {
          re = new RegExp(rules.headerPattern);
        } catch {
          re = null; // "When the given Regex causes error during request processing, the request will be considered as not matching."
        }
        if (re?.test(v)) return { to: "canary", by: "header", percent: null, reason: `${ann} ${JSON.stringify(v)} matches canary-by-header-pattern ${rules.headerPattern}` };
      } else if (v === "always") {
        return { to: "canary", by: "header", percent: null, reason: `${ann} is "always"` };
      } else if (v === "never") {
        return { to: "main", by: "header", percent: null, reason: `${ann} is "never"` };
      }
    }
  }
  if (rules.cookie) {
    const v = cookieOf(req, rules.cookie);
    if (v === "always") return { to: "canary", by: "cookie", percent: null, reason: `canary-by-cookie ${rules.cookie} is "always"` };
    if (v === "never") return { to: "main", by: "cookie", percent: null, reason: `canary-by-cookie ${rules.cookie} is "never"` };
  }
  if (rules.weight !== null && rules.weight > 0 && rules.weightTotal > 0) {
    if (rules.weight >= rules.weightTotal) return { to: "canary", by: "weight", percent: 100, reason: `canary-weight ${rules.weight} of ${rules.weightTotal}: every request` };
    const percent = Math.round((rules.weight / rules.weightTotal) * 1000) / 10;
    return { to: "split", by: "weight", percent, reason: `canary-weight ${rules.weight} of ${rules.weightTotal}: ${percent}% of requests at random` };
  }
  const asked = [rules.header ? `header ${rules.header}` : null, rules.cookie ? `cookie ${rules.cookie}` : null].filter(Boolean);
  return { to: "main", by: "none", percent: null, reason: asked.length ? `the request does not send the ${asked.join(" or ")} value the canary asks for` : "no canary rule applies" };
}
