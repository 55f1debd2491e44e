const ESC = "\u001b";

/** ANSI styles, or identity functions when colour is off. */
export interface Colors {
  bold: (text: string) => string;
  dim: (text: string) => string;
  red: (text: string) => string;
  green: (text: string) => string;
  yellow: (text: string) => string;
  blue: (text: string) => string;
  magenta: (text: string) => string;
  cyan: (text: string) => string;
}

const wrap = (open: number, close: number) => (text: string) =>
  `${ESC}[${open}m${text}${ESC}[${close}m`;
const plain = (text: string) => text;

/** The styles to use: real ANSI escapes when `enabled`, plain text otherwise (NO_COLOR, pipes). */
export function colors(enabled: boolean): Colors {
  if (!enabled) {
    return {
      bold: plain,
      dim: plain,
      red: plain,
      green: plain,
      yellow: plain,
      blue: plain,
      magenta: plain,
      cyan: plain,
    };
  }
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    blue: wrap(34, 39),
    magenta: wrap(35, 39),
    cyan: wrap(36, 39),
  };
}
