import { CRLF, Capture, bashPrompt, bold, cyan, dim, green, red, yellow } from "./ansi.js";

/** Options of a shell-driving agent's pane. */
export interface ShellOptions {
  readonly cwd: string;
  readonly user: string;
  readonly host: string;
}

/**
 * Builds the pane of a generic agent driving a shell: its commands typed at a bash prompt (some
 * with typos fixed by backspace), their output with progress bars redrawn by `\r`, and the agent
 * harness's own lines (`[agent] …`) where it prints any.
 */
export class ShellSession extends Capture {
  readonly o: ShellOptions;

  constructor(options: ShellOptions) {
    super();
    this.o = options;
  }

  get home(): string {
    return this.o.cwd.replace(`/home/${this.o.user}`, "~");
  }

  prompt(): this {
    return this.raw(bashPrompt(this.o.user, this.o.host, this.home));
  }

  /** A command typed at the prompt, then its output (the next prompt comes with the next command). */
  run(command: string, output: string[] = []): this {
    this.prompt();
    this.raw(command + CRLF);
    return this.lines(...output);
  }

  /** A command typed with a typo corrected by backspaces. */
  typo(command: string, wrong: string): this {
    this.prompt();
    return this.raw(wrong + "\b".repeat(wrong.length) + "\u001b[K" + command + CRLF);
  }

  /** Output lines. */
  out(...lines: string[]): this {
    return this.lines(...lines);
  }

  /** A progress line redrawn with `\r` through `steps`, ending on `last`. */
  progress(steps: readonly string[], last?: string): this {
    let out = "";
    for (const step of steps) out += `\r${step}\u001b[K`;
    if (last !== undefined) out += `\r${last}\u001b[K${CRLF}`;
    return this.raw(out);
  }

  /** The harness's own line. */
  agent(text: string): this {
    return this.lines(`${cyan("[agent]")} ${text}`);
  }

  /** A prompt left waiting (no newline after it). */
  waitingOn(text: string): this {
    return this.raw(text);
  }

  ok(text: string): string {
    return green(text);
  }
  bad(text: string): string {
    return red(text);
  }
  warn(text: string): string {
    return yellow(text);
  }
  strong(text: string): string {
    return bold(text);
  }
  faint(text: string): string {
    return dim(text);
  }
}
