/**
 * Colour on or off for the whole TUI (`--no-color`): components ask
 * {@link useTint} for a colour and get `undefined` when colour is off, so the
 * frame keeps its marks and layout but carries no colour codes.
 */
import { createContext, useContext } from "react";

/** True when the TUI may colour its output (default). */
export const ColorContext = createContext(true);

/** A function mapping an Ink colour name to itself, or to undefined when colour is off. */
export function useTint(): <C extends string>(color: C | undefined) => C | undefined {
  const on = useContext(ColorContext);
  return (color) => (on ? color : undefined);
}
