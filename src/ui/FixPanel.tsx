/**
 * The fix panel under a path (./fix-panel.ts holds its state): the chooser
 * when several fixes are offered, "planning…", the plan (title, risk, each
 * step with its object, diff, command, file line and note, the notes, then
 * the refusal or the `apply? y/n` prompt), "applying…", and the outcome
 * (before → after, each check, the undo command, or the error).
 */
import type { Ref } from "react";
import { Box, Text, type DOMElement } from "ink";
import { canApply, type FixInfo, type FixProgress, type FixPanel as Panel, type TuiFixOutcome, type TuiPathState, type TuiPlanStep } from "./fix-panel.js";
import { Spinner } from "./Spinner.js";
import { useTint } from "./theme.js";

/** Props of {@link FixPanel}. */
export interface FixPanelProps {
  /** The panel's state; nothing is drawn while it is closed. */
  panel: Panel;
  /** Receives the panel's laid-out box, for scrolling it into view. */
  boxRef?: Ref<DOMElement>;
}

type Tint = ReturnType<typeof useTint>;

const statusColor = (status: string): "green" | "yellow" | "red" | undefined =>
  status === "pass" ? "green" : status === "warn" ? "yellow" : status === "fail" || status === "error" ? "red" : undefined;

/** "FAIL service (ND502)" / "PASS". */
export function pathStateText(s: TuiPathState): string {
  return s.verdict ? `${s.status.toUpperCase()} ${s.verdict.hop} (${s.verdict.code})` : s.status.toUpperCase();
}

function Title({ fix, tint }: { fix: FixInfo; tint: Tint }): React.JSX.Element {
  return (
    <Text>
      <Text bold>{"Fix "}</Text>
      <Text bold color={tint("cyan")}>
        {fix.id}
      </Text>
      {fix.title !== fix.id ? ` — ${fix.title}` : ""}
      {fix.risk ? (
        <Text bold={fix.risk === "disruptive"} color={tint(fix.risk === "disruptive" ? "yellow" : "green")}>{`  (${fix.risk})`}</Text>
      ) : null}
    </Text>
  );
}

function Step({ step, n, tint }: { step: TuiPlanStep; n: number; tint: Tint }): React.JSX.Element {
  const file = step.file ? `${step.file}${step.line !== undefined ? `: ${step.line}` : ""}` : null;
  return (
    <Box flexDirection="column">
      <Text>
        {`${n}. `}
        <Text bold>{step.action}</Text>
        {step.object ? ` ${step.object}` : ""}
      </Text>
      <Box flexDirection="column" marginLeft={3}>
        {(step.diff ?? []).map((d, i) => (
          <Text key={i} color={tint(d.startsWith("-") ? "red" : d.startsWith("+") ? "green" : undefined)}>
            {d}
          </Text>
        ))}
        {step.command ? <Text dimColor>{`$ ${step.command}`}</Text> : null}
        {file ? <Text>{file}</Text> : null}
        {step.note ? <Text dimColor>{step.note}</Text> : null}
      </Box>
    </Box>
  );
}

function Outcome({ outcome, tint }: { outcome: TuiFixOutcome; tint: Tint }): React.JSX.Element {
  return (
    <Box flexDirection="column">
      <Text>
        {outcome.applied ? <Text color={tint("green")}>{"✔ applied  "}</Text> : <Text color={tint("red")}>{"✖ not applied  "}</Text>}
        {"before: "}
        <Text color={tint(statusColor(outcome.before.status))}>{pathStateText(outcome.before)}</Text>
        {outcome.after ? (
          <>
            {" → after: "}
            <Text bold color={tint(statusColor(outcome.after.status))}>
              {pathStateText(outcome.after)}
            </Text>
          </>
        ) : null}
      </Text>
      {outcome.after?.verdict ? <Text dimColor>{`  ${outcome.after.verdict.checkId}: ${outcome.after.verdict.summary}`}</Text> : null}
      {outcome.checks.map((c) => (
        <Text key={c.id}>
          {`  ${c.code} ${c.id}: `}
          <Text color={tint(statusColor(c.before))}>{c.before}</Text>
          {c.after !== null ? (
            <>
              {" → "}
              <Text color={tint(statusColor(c.after))}>{c.after}</Text>
            </>
          ) : null}
        </Text>
      ))}
      {outcome.error ? <Text color={tint("red")}>{outcome.error}</Text> : null}
      {outcome.undoId ? (
        <Text>
          {"undo: "}
          <Text color={tint("cyan")}>{`netdoctor undo ${outcome.undoId}`}</Text>
        </Text>
      ) : null}
    </Box>
  );
}

/** "applying…", "re-checking… (attempt 2)"; both while the runner reports no progress. */
function progressText(p: FixProgress | null): string {
  if (!p) return "applying… / re-checking…";
  if (p.what === "applying") return "applying…";
  return p.attempt > 1 ? `re-checking… (attempt ${p.attempt})` : "re-checking…";
}

/** The panel in a rounded box, indented under its path. */
export function FixPanel({ panel, boxRef }: FixPanelProps): React.JSX.Element | null {
  const tint = useTint();
  if (panel.mode === "closed") return null;
  let body: React.JSX.Element;
  switch (panel.mode) {
    case "choosing":
      body = (
        <Box flexDirection="column">
          <Text bold>Fixes for this path:</Text>
          {panel.options.map((f, i) => (
            <Text key={f.id}>
              <Text color={tint("cyan")}>{i === panel.index ? "› " : "  "}</Text>
              {i < 9 ? `${i + 1} ` : "  "}
              <Text bold={i === panel.index} color={tint("cyan")}>
                {f.id}
              </Text>
              {f.title !== f.id ? ` — ${f.title}` : ""}
              {f.risk ? <Text color={tint(f.risk === "disruptive" ? "yellow" : "green")}>{`  (${f.risk})`}</Text> : null}
            </Text>
          ))}
        </Box>
      );
      break;
    case "planning":
      body = (
        <Box flexDirection="column">
          <Title fix={panel.fix} tint={tint} />
          <Text>
            <Spinner />
            {" planning…"}
          </Text>
        </Box>
      );
      break;
    case "planned": {
      const p = panel.plan;
      const byHand = !p.automatic || p.refusal !== null;
      body = (
        <Box flexDirection="column">
          <Title fix={panel.fix} tint={tint} />
          {p.steps.length > 0 ? <Text bold>{byHand ? "To do by hand:" : "Plan:"}</Text> : null}
          {p.steps.map((s, i) => (
            <Step key={i} step={s} n={i + 1} tint={tint} />
          ))}
          {p.notes.map((note, i) => (
            <Text key={i} dimColor>{`note: ${note}`}</Text>
          ))}
          {p.refusal !== null ? <Text color={tint("red")}>{`✖ ${p.refusal}`}</Text> : null}
          {canApply(p) ? (
            <Text bold color={tint("cyan")}>
              apply? y/n
            </Text>
          ) : (
            <Text dimColor>esc back</Text>
          )}
        </Box>
      );
      break;
    }
    case "applying":
      body = (
        <Box flexDirection="column">
          <Title fix={panel.fix} tint={tint} />
          <Text>
            <Spinner />
            {` ${progressText(panel.progress)}`}
          </Text>
          {panel.quitAsked ? <Text color={tint("yellow")}>applying, please wait (Ctrl-C to quit anyway)</Text> : null}
        </Box>
      );
      break;
    case "applied":
      body = (
        <Box flexDirection="column">
          <Title fix={panel.fix} tint={tint} />
          <Outcome outcome={panel.outcome} tint={tint} />
          <Text dimColor>esc back</Text>
        </Box>
      );
      break;
    case "failed":
      body = (
        <Box flexDirection="column">
          <Title fix={panel.fix} tint={tint} />
          <Text color={tint("red")}>{`✖ ${panel.error}`}</Text>
          <Text dimColor>esc back</Text>
        </Box>
      );
      break;
  }
  return (
    <Box ref={boxRef} flexDirection="column" marginLeft={2} marginTop={1} borderStyle="round" borderColor={tint("cyan")} paddingX={1}>
      {body}
    </Box>
  );
}
