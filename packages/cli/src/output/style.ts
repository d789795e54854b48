import { styleText } from 'node:util';

/** ANSI styling for one output stream; every method returns the text unchanged when colours are off. */
export interface Style {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const PLAIN: Style = Object.freeze({
  enabled: false,
  bold: (t: string) => t,
  dim: (t: string) => t,
  red: (t: string) => t,
  green: (t: string) => t,
  yellow: (t: string) => t,
  cyan: (t: string) => t,
});

type Format = Parameters<typeof styleText>[0];

// Whether to colour is decided here, per stream (see colourEnabled); Node's own check looks at
// process.stdout only, so it is turned off.
function styled(format: Format): (text: string) => string {
  return (text) => styleText(format, text, { validateStream: false });
}

const COLOURED: Style = Object.freeze({
  enabled: true,
  bold: styled('bold'),
  dim: styled('dim'),
  red: styled('red'),
  green: styled('green'),
  yellow: styled('yellow'),
  cyan: styled('cyan'),
});

/**
 * Whether a stream gets colours, by the rules other command-line tools follow (and Node's
 * `getColorDepth`): `FORCE_COLOR` wins (`0` or `false` turns colours off, any other value on,
 * even on a pipe); otherwise colours need a terminal, `NO_COLOR` unset or empty
 * (https://no-color.org) and `TERM` other than `dumb`.
 */
export function colourEnabled(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

/** The style for one output stream (see {@link colourEnabled}). */
export function styleFor(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): Style {
  return colourEnabled(isTTY, env) ? COLOURED : PLAIN;
}
