import {
  CRLF,
  Capture,
  bashPrompt,
  blue,
  bold,
  box,
  c256,
  cyan,
  dim,
  green,
  red,
  yellow,
} from "./ansi.js";

/** Options of a Gemini CLI session. */
export interface GeminiOptions {
  readonly cwd: string;
  readonly user: string;
  readonly host: string;
  readonly branch?: string;
  readonly model?: string;
}

const DOTS = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const W = 80;

/** Builds a Gemini CLI session: ink boxes for tools and input, the status footer, confirmations. */
export class GeminiSession extends Capture {
  readonly o: Required<GeminiOptions>;
  #context = 99;
  #phrase = "Thinking";
  #since = 0;

  constructor(options: GeminiOptions) {
    super();
    this.o = { branch: "main", model: "gemini-2.5-pro", ...options };
  }

  get home(): string {
    return this.o.cwd.replace(`/home/${this.o.user}`, "~");
  }

  #footer(): string {
    return `${cyan(`${this.home} (${this.o.branch}*)`)}      ${red("no sandbox")} ${dim("(see /docs)")}      ${this.o.model} ${dim(`(${this.#context}% context left)`)}`;
  }

  #input(): string[] {
    return [
      ...box([`${c256(177, ">")}   ${dim("Type your message or @path/to/file")}`], W, (s) =>
        c256(60, s),
      ),
      this.#footer(),
    ];
  }

  #busyLines(): string[] {
    const glyph = DOTS[Math.floor(this.clockS) % DOTS.length] ?? "⠋";
    return [
      `${c256(177, glyph)} ${c256(177, this.#phrase)} ${dim(`(esc to cancel, ${Math.round(this.clockS - this.#since)}s)`)}`,
      "",
      ...this.#input(),
    ];
  }

  #busy(permanent: string[] = []): this {
    return this.frame(permanent, this.#busyLines());
  }

  start(): this {
    this.raw(bashPrompt(this.o.user, this.o.host, this.home) + "gemini" + CRLF);
    const art = [
      " ███            █████████  ██████████ ██████   ██████ █████ ██████   █████ █████",
      "░░░███         ███░░░░░███░░███░░░░░█░░██████ ██████ ░░███ ░░██████ ░░███ ░░███",
      "  ░░░███      ███     ░░░  ░███  █ ░  ░███░█████░███  ░███  ░███░███ ░███  ░███",
      "    ░░░███   ░███          ░██████    ░███░░███ ░███  ░███  ░███░░███░███  ░███",
    ];
    return this.frame(
      [
        ...art.map((l, i) => c256(69 + i * 12, l)),
        "",
        "Tips for getting started:",
        "1. Ask questions, edit files, or run commands.",
        "2. Be specific for the best results.",
        `3. Create ${bold("GEMINI.md")} files to customize your interactions with Gemini.`,
        `4. ${c256(177, "/help")} for more information.`,
        "",
      ],
      this.#input(),
    );
  }

  user(text: string): this {
    this.#since = this.clockS;
    return this.#busy([...box([`${c256(177, ">")} ${text}`], W, dim), ""]);
  }

  think(phrase: string, frames = 2, step = 3): this {
    this.#phrase = phrase;
    for (let i = 0; i < frames; i++) {
      this.advance(step);
      this.#busy();
    }
    return this;
  }

  say(text: string): this {
    this.advance(2);
    const [first = "", ...rest] = text.split("\n");
    return this.#busy([`${c256(177, "✦")} ${first}`, ...rest.map((l) => `  ${l}`), ""]);
  }

  /** A finished tool call box: `✔ ReadFile src/app.py`, with optional output. */
  tool(name: string, args: string, output: string[] = [], ok = true): this {
    this.advance(3);
    const mark = ok ? green("✔") : red("x");
    const body = output.length === 0 ? [] : ["", ...output.map((l) => `   ${l}`)];
    return this.#busy([...box([`${mark}  ${bold(name)} ${dim(args)}`, ...body], W, dim), ""]);
  }

  /** An edit: `diff` lines like `12 -old` / `12 +new`. */
  edit(path: string, diff: string[]): this {
    return this.tool(
      "Edit",
      `${path}: ${
        diff
          .find((l) => l.includes("-"))
          ?.replace(/^\s*\d+ -\s*/, "")
          .slice(0, 30) ?? ""
      }…`,
      diff.map((l) => (/^\s*\d+ -/.test(l) ? red(l) : /^\s*\d+ \+/.test(l) ? green(l) : l)),
    );
  }

  endTurn(): this {
    this.advance(1);
    this.#context = Math.max(50, this.#context - 4);
    return this.frame([], ["", ...this.#input()]);
  }

  /** A tool confirmation in its box; the input is gone until it is answered. */
  #confirm(lines: string[]): this {
    this.advance(2);
    return this.frame([], [...box(lines, W, yellow), "", this.#footer()]);
  }

  confirmShell(command: string, description: string, roots: string): this {
    return this.#confirm([
      `${yellow("?")}  ${bold("Shell")} ${command} ${dim(`[current working directory ${this.o.cwd}] (${description})`)}`,
      "",
      `   ${command}`,
      "",
      `Allow execution of: '${roots}'?`,
      "",
      `${green("●")} 1. Yes, allow once`,
      `  2. Yes, allow always ...`,
      `  3. No, suggest changes (esc)`,
    ]);
  }

  confirmEdit(path: string, diff: string[]): this {
    return this.#confirm([
      `${yellow("?")}  ${bold("Edit")} ${path}`,
      "",
      ...diff.map((l) => (/^\s*\d+ -/.test(l) ? red(l) : /^\s*\d+ \+/.test(l) ? green(l) : l)),
      "",
      "Apply this change?",
      "",
      `${green("●")} 1. Yes, allow once`,
      "  2. Yes, allow always",
      "  3. Modify with external editor",
      "  4. No, suggest changes (esc)",
    ]);
  }

  confirmMcp(server: string, tool: string, args: string): this {
    return this.#confirm([
      `${yellow("?")}  ${bold(tool)} ${dim(`(${server} MCP Server)`)} ${dim(args)}`,
      "",
      `   MCP Server: ${server}`,
      `   Tool: ${tool}`,
      "",
      `Allow execution of MCP tool "${tool}" from server "${server}"?`,
      "",
      `${green("●")} 1. Yes, allow once`,
      `  2. Yes, always allow tool "${tool}" from server "${server}"`,
      `  3. Yes, always allow all tools from server "${server}"`,
      "  4. No, suggest changes (esc)",
    ]);
  }

  /** An error line from the CLI at the end of a turn. */
  apiError(text: string): this {
    this.advance(2);
    return this.frame([red(`✕ ${text}`), ""], ["", ...this.#input()]);
  }

  /** An info line (`ℹ`) from the CLI. */
  info(text: string): this {
    return this.frame([yellow(`ℹ ${text}`), ""], this.#busyLines());
  }

  crash(lines: string[]): this {
    this.frame([], []);
    this.lines(...lines);
    return this.raw(bashPrompt(this.o.user, this.o.host, this.home));
  }

  working(frames = 2): this {
    for (let i = 0; i < frames; i++) {
      this.advance(4);
      this.#busy();
    }
    return this;
  }

  note(text: string): this {
    return this.#busy([blue(text)]);
  }
}
