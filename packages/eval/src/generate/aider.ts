import { shellPreamble } from "./preamble.js";
import {
  CRLF,
  Capture,
  bashPrompt,
  blue,
  bold,
  dim,
  green,
  grey,
  red,
  sgr,
  yellow,
} from "./ansi.js";

/** Options of an aider session. */
export interface AiderOptions {
  readonly cwd: string;
  readonly user: string;
  readonly host: string;
  readonly model?: string;
  readonly files: readonly string[];
  readonly repoFiles?: number;
}

const RULE = grey("─".repeat(80));
const SPIN = ["░█        ", "░░█       ", "░░░█      ", "░░░░█     ", "░░░░░█    ", "░░░░░░█   "];

/** Builds an aider session: prompt_toolkit's prompt, rich's streamed markdown, the y/n questions. */
export class AiderSession extends Capture {
  readonly o: Required<AiderOptions>;
  #files: string[];
  #cost = 0;

  constructor(options: AiderOptions) {
    super();
    this.o = { model: "anthropic/claude-sonnet-4-20250514", repoFiles: 180, ...options };
    this.#files = [...options.files];
  }

  get home(): string {
    return this.o.cwd.replace(`/home/${this.o.user}`, "~");
  }

  #prompt(): string {
    return `${RULE}${CRLF}${this.#files.join(" ")}${CRLF}${green(">")} `;
  }

  start(): this {
    this.raw(shellPreamble(this.o.user, this.o.host, this.o.cwd, this.o.files.join(",")));
    this.raw(
      bashPrompt(this.o.user, this.o.host, this.home) + `aider ${this.o.files.join(" ")}` + CRLF,
    );
    this.lines(
      grey("─".repeat(80)),
      `Aider v0.86.1`,
      `Main model: ${this.o.model} with diff edit format, infinite output`,
      `Weak model: anthropic/claude-3-5-haiku-20241022`,
      `Git repo: .git with ${this.o.repoFiles} files`,
      `Repo-map: using 4096 tokens, auto refresh`,
      ...this.o.files.map((f) => `Added ${f} to the chat.`),
    );
    return this.raw(this.#prompt());
  }

  /** The user's message at the `>` prompt. */
  user(text: string): this {
    return this.raw(text + CRLF + CRLF);
  }

  /** The "Waiting for <model>" spinner, redrawn in place with `\r`. */
  waiting(frames = 4): this {
    let out = "\u001b[?25l";
    for (let i = 0; i < frames; i++)
      out += `\r${SPIN[i % SPIN.length] ?? ""}Waiting for ${this.o.model}`;
    out += `\r\u001b[2K\u001b[?25h`;
    return this.raw(out);
  }

  /** The reply streamed by rich Live: redrawn as it grows, then left in place. */
  reply(text: string): this {
    this.waiting(3);
    const lines = text.split("\n");
    const steps = Math.min(3, lines.length);
    for (let s = 1; s <= steps; s++) {
      const shown = lines.slice(0, Math.ceil((lines.length * s) / steps));
      this.frame(
        [],
        shown.map((l) => blue(l)),
        false,
      );
    }
    this.liveHeight = 0;
    return this.raw(CRLF);
  }

  /** A SEARCH/REPLACE block as aider prints it. */
  edit(path: string, search: string[], replace: string[]): this {
    this.lines(
      bold(path),
      sgr("38;5;246", "<<<<<<< SEARCH"),
      ...search,
      sgr("38;5;246", "======="),
      ...replace,
      sgr("38;5;246", ">>>>>>> REPLACE"),
      "",
    );
    return this;
  }

  /** Tokens and cost after a reply. */
  cost(sent: string, received: string, message: number): this {
    this.#cost += message;
    return this.lines(
      `Tokens: ${sent} sent, ${received} received. Cost: $${message.toFixed(2)} message, $${this.#cost.toFixed(2)} session.`,
    );
  }

  applied(path: string, commit?: string): this {
    this.lines(`Applied edit to ${path}`);
    if (commit !== undefined) this.lines(`Commit ${commit}`);
    return this;
  }

  /** Output of a command aider ran (`/run`, `/test`, or an accepted suggestion). */
  output(lines: string[]): this {
    return this.lines(...lines);
  }

  /** A y/n question; `answer` given (echoed) or null when it waits there. */
  ask(question: string, answer: string | null): this {
    this.raw(`${yellow(question)} `);
    if (answer !== null) this.raw(answer + CRLF);
    return this;
  }

  addFile(path: string): this {
    this.#files.push(path);
    return this;
  }

  /** Back at the `>` prompt, waiting for the next message. */
  prompt(): this {
    return this.raw(this.#prompt());
  }

  /** An aider error (red). */
  error(lines: string[]): this {
    return this.lines(...lines.map((l) => red(l)));
  }

  /** Aider exits with a traceback; the shell prompt comes back. */
  crash(lines: string[]): this {
    this.lines(...lines);
    return this.raw(bashPrompt(this.o.user, this.o.host, this.home));
  }

  note(text: string): this {
    return this.lines(dim(text));
  }
}
