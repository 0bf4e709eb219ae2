/**
 * The size of the terminal Ink renders to, kept current: Ink 6 re-lays out
 * its last frame on stdout's `resize` event (src: ink/build/ink.js `resized`)
 * but does not re-render React, so components that size themselves to the
 * terminal subscribe to the same event here and re-render.
 */
import { useEffect, useState } from "react";
import { useStdout } from "ink";

/** Columns and rows of the output terminal; `rows` is undefined when the stream is not a terminal (a pipe, a test stream without rows). */
export interface TerminalSize {
  columns: number;
  rows: number | undefined;
}

/** Ink's own fallback width when the stream reports none (ink/build/ink.js `getTerminalWidth`). */
const DEFAULT_COLUMNS = 80;

function sizeOf(stdout: NodeJS.WriteStream): TerminalSize {
  const rows = stdout.isTTY && stdout.rows > 0 ? stdout.rows : undefined;
  return { columns: stdout.columns > 0 ? stdout.columns : DEFAULT_COLUMNS, rows };
}

/** The current terminal size; re-renders the component on every `resize` of Ink's stdout. */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => sizeOf(stdout));
  useEffect(() => {
    const onResize = () =>
      setSize((prev) => {
        const next = sizeOf(stdout);
        return next.columns === prev.columns && next.rows === prev.rows ? prev : next;
      });
    onResize();
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout]);
  return size;
}
