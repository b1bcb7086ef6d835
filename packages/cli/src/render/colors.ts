/** Colour decisions: colours only on a terminal, never with `NO_COLOR` or `--no-color`, always with `FORCE_COLOR`. */
import picocolors from "picocolors";

/** The colour functions the renderers use (all identity functions when colours are off). */
export type Colors = ReturnType<typeof picocolors.createColors>;

/** What decides whether a stream gets colours. */
export interface ColorInputs {
  /** True when the stream is a terminal. */
  isTTY: boolean;
  /** The process environment. */
  env: NodeJS.ProcessEnv;
  /** `false` after `--no-color`. */
  flag: boolean;
}

/** True when output to this stream should be coloured (https://no-color.org and FORCE_COLOR). */
export function colorsEnabled({ isTTY, env, flag }: ColorInputs): boolean {
  if (!flag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  return isTTY && env.TERM !== "dumb";
}

/** Colour functions, enabled or not. */
export function makeColors(enabled: boolean): Colors {
  return picocolors.createColors(enabled);
}
