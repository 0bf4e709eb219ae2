/**
 * The working tree's recorded port-forwards travel in a bundle
 * (host/recorded-forwards.json), so `--from` replays ND307; a kubectl
 * record's text is a command line and is redacted as one.
 */
import { describe, expect, it } from "vitest";
import { parseRecordedForwards, type RecordedForward } from "../../src/host/recorded-forwards.js";
import { redactDocument } from "../../src/bundle/redact.js";

const record: RecordedForward = {
  where: "Makefile:11",
  tool: "kubectl",
  text: "kubectl port-forward -n shop svc/web 8080:80 --token=s3cr3t-t0ken-value",
  namespace: "shop",
  target: { type: "service", name: "web" },
  local: 8080,
  remote: 80,
  addresses: ["localhost"],
};

describe("recorded port-forwards in a bundle", () => {
  it("read back as they were written", () => {
    expect(parseRecordedForwards(JSON.parse(JSON.stringify([record])))).toEqual([record]);
  });

  it("leave out entries of another shape and anything that is not a list", () => {
    expect(parseRecordedForwards({ where: "x" })).toEqual([]);
    const bad = [{ ...record, tool: "helm" }, { ...record, target: { type: "ingress", name: "x" } }, { ...record, local: "8080" }, null, "text"];
    expect(parseRecordedForwards([...bad, record])).toEqual([record]);
  });

  it("default the bind addresses to kubectl's localhost when the entry has none", () => {
    const { addresses: _a, ...rest } = record;
    expect(parseRecordedForwards([rest])[0]!.addresses).toEqual(["localhost"]);
  });

  it("redact a kubectl record's text as a command line, keeping what the replay reads", () => {
    const { value, redactions } = redactDocument([record], "host/recorded-forwards.json");
    expect(value[0]!.text).not.toContain("s3cr3t-t0ken-value");
    expect(value[0]!.text).toContain("port-forward");
    expect(value[0]!.text).toContain("svc/web 8080:80");
    expect(redactions.some((r) => r.path.startsWith("/0/text"))).toBe(true);
    expect(parseRecordedForwards(value)).toEqual([{ ...record, text: value[0]!.text }]);
  });
});
