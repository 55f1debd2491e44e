import {
  CRLF,
  Capture,
  bashPrompt,
  bold,
  box,
  c256,
  dim,
  duration,
  green,
  red,
  title,
} from "./ansi.js";
import { fakeId, fakeUuid, isoAt } from "./ids.js";

const ORANGE = 174;
const GLYPHS = ["·", "✢", "✳", "✶", "✻", "✽"];

/** Options of a Claude Code session. */
export interface ClaudeOptions {
  readonly name: string;
  readonly cwd: string;
  readonly user: string;
  readonly host: string;
  readonly branch?: string;
  readonly version?: string;
  readonly model?: string;
  /** The spinner's words, taken in turn. */
  readonly words?: readonly string[];
  /** Older versions draw the input in a round box; newer ones between two rules. */
  readonly boxedInput?: boolean;
  readonly start?: string;
}

type Json = Record<string, unknown>;

/**
 * Builds a Claude Code session: the pane capture (ink redraws of the spinner and input below the
 * scrolling messages) and the session transcript (`~/.claude/projects/<dir>/<session>.jsonl`).
 */
export class ClaudeSession extends Capture {
  readonly o: Required<ClaudeOptions>;
  readonly sessionId: string;
  readonly transcript: Json[] = [];
  #parent: string | null = null;
  #n = 0;
  #word = 0;
  #turnStart = 0;
  #tokens = 0;

  constructor(options: ClaudeOptions) {
    super();
    this.o = {
      branch: "main",
      version: "2.0.14",
      model: "claude-sonnet-4-5-20250929",
      words: ["Pondering", "Cogitating", "Noodling", "Percolating", "Simmering"],
      boxedInput: false,
      start: "2025-06-02T08:40:00.000Z",
      ...options,
    };
    this.sessionId = fakeUuid(`${options.name}:session`);
  }

  get home(): string {
    return this.o.cwd.replace(`/home/${this.o.user}`, "~");
  }

  /** Where Claude Code writes this session's transcript. */
  get transcriptPath(): string {
    return `~/.claude/projects/${this.o.cwd.replace(/[/.]/g, "-")}/${this.sessionId}.jsonl`;
  }

  #record(entry: Json): string {
    const uuid = fakeUuid(`${this.o.name}:${this.#n++}`);
    this.transcript.push({
      parentUuid: this.#parent,
      isSidechain: false,
      userType: "external",
      cwd: this.o.cwd,
      sessionId: this.sessionId,
      version: this.o.version,
      gitBranch: this.o.branch,
      ...entry,
      uuid,
      timestamp: isoAt(this.o.start, this.clockS),
    });
    this.#parent = uuid;
    return uuid;
  }

  #assistant(content: Json[], stop: string | null = null): void {
    this.#tokens += 120 + content.length * 40;
    this.#record({
      message: {
        id: fakeId("msg_01", `${this.o.name}:m${this.#n}`),
        type: "message",
        role: "assistant",
        model: this.o.model,
        content,
        stop_reason: stop,
        stop_sequence: null,
        usage: {
          input_tokens: 4,
          cache_creation_input_tokens: 310 + this.#n * 7,
          cache_read_input_tokens: 14000 + this.#n * 900,
          output_tokens: 60 + content.length * 35,
          service_tier: "standard",
        },
      },
      requestId: fakeId("req_011", `${this.o.name}:r${this.#n}`),
      type: "assistant",
    });
  }

  #inputLines(text = ""): string[] {
    const width = 78;
    const cursor = "\u001b[7m \u001b[27m";
    if (this.o.boxedInput) {
      return [...box([`> ${text}${cursor}`], width, dim), dim("  ? for shortcuts")];
    }
    return [
      dim("─".repeat(width)),
      `❯ ${text}${cursor}`,
      dim("─".repeat(width)),
      dim("  ? for shortcuts"),
    ];
  }

  #spinner(extra = ""): string {
    const seconds = this.clockS - this.#turnStart;
    const glyph = GLYPHS[Math.floor(this.clockS) % GLYPHS.length] ?? "·";
    const word = this.o.words[this.#word % this.o.words.length] ?? "Working";
    const tokens = (this.#tokens / 1000).toFixed(1);
    return `${c256(ORANGE, `${glyph} ${word}…`)} ${dim(`(${duration(seconds)} · ↓ ${tokens}k tokens · esc to interrupt)`)}${extra}`;
  }

  #busy(permanent: string[] = []): this {
    return this.frame(permanent, [this.#spinner(), "", ...this.#inputLines()]);
  }

  /** The shell, `claude`, the welcome box and an empty input. */
  start(): this {
    this.raw(bashPrompt(this.o.user, this.o.host, this.home) + "claude" + CRLF);
    this.raw(title("✳ Claude Code"));
    const welcome = box(
      [
        `${c256(ORANGE, "✻")} Welcome to ${bold("Claude Code")}!`,
        "",
        dim("  /help for help, /status for your current setup"),
        "",
        dim(`  cwd: ${this.o.cwd}`),
      ],
      52,
      (s) => c256(ORANGE, s),
    );
    return this.frame(welcome.concat([""]), this.#inputLines());
  }

  /** The user types `text` and submits it. */
  user(text: string): this {
    const typed = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    this.frame([], this.#inputLines(typed));
    this.#turnStart = this.clockS;
    this.#word++;
    this.#record({ type: "user", message: { role: "user", content: text } });
    this.raw(title(`✳ ${text.slice(0, 30)}`));
    return this.frame([dim(`> ${text}`), ""], [this.#spinner(), "", ...this.#inputLines()]);
  }

  /** `frames` spinner redraws, `step` seconds apart. */
  think(frames = 2, step = 3): this {
    for (let i = 0; i < frames; i++) {
      this.advance(step);
      this.#tokens += 90;
      this.#busy();
    }
    return this;
  }

  /** Prose from Claude. */
  say(text: string): this {
    this.advance(2);
    this.#assistant([{ type: "text", text }]);
    const [first = "", ...rest] = text.split("\n");
    return this.#busy([`⏺ ${first}`, ...rest.map((line) => `  ${line}`), ""]);
  }

  #tool(
    name: string,
    header: string,
    input: Json,
    result: string[],
    resultText: string,
    isError = false,
    extra: Json = {},
  ): this {
    this.advance(3);
    const id = fakeId("toolu_01", `${this.o.name}:t${this.#n}`);
    this.#assistant([{ type: "tool_use", id, name, input }]);
    this.#busy([
      `${isError ? red("⏺") : green("⏺")} ${bold(name === "Edit" ? "Update" : name)}(${header})`,
      "  ⎿  Running…",
    ]);
    this.think(1, 2);
    this.#record({
      type: "user",
      message: {
        role: "user",
        content: [
          {
            tool_use_id: id,
            type: "tool_result",
            content: resultText,
            ...(isError ? { is_error: true } : {}),
          },
        ],
      },
      toolUseResult: extra,
    });
    // The running line is replaced by the result (ink rewrites the tool's block).
    this.frame([], [], true);
    const [first = "", ...rest] = result;
    return this.#busy([
      `\u001b[1A\u001b[2K\u001b[1A\u001b[2K${isError ? red("⏺") : green("⏺")} ${bold(name === "Edit" ? "Update" : name)}(${header})`,
      `  ⎿  ${first}`,
      ...rest.map((line) => `     ${line}`),
      "",
    ]);
  }

  read(path: string, lines: number): this {
    return this.#tool(
      "Read",
      path,
      { file_path: `${this.o.cwd}/${path}` },
      [`Read ${dim(String(lines))} lines`],
      `(${lines} lines)`,
      false,
      {
        type: "text",
        file: {
          filePath: `${this.o.cwd}/${path}`,
          numLines: lines,
          startLine: 1,
          totalLines: lines,
        },
      },
    );
  }

  search(pattern: string, path: string, found: string): this {
    return this.#tool(
      "Search",
      `pattern: "${pattern}", path: "${path}"`,
      { pattern, path },
      [found],
      found,
    );
  }

  bash(
    command: string,
    output: string[],
    options: { error?: boolean; exit?: number; description?: string } = {},
  ): this {
    const shown =
      output.length > 8
        ? [...output.slice(0, 7), dim(`… +${output.length - 7} lines (ctrl+o to expand)`)]
        : output;
    const error = options.error === true;
    const body = error
      ? [red(`Error: Exit code ${options.exit ?? 1}`), ...shown]
      : shown.length === 0
        ? [dim("(No content)")]
        : shown;
    return this.#tool(
      "Bash",
      command,
      { command, description: options.description ?? `Run ${command.split(" ")[0]}` },
      body,
      output.join("\n"),
      error,
      { stdout: output.join("\n"), stderr: "", interrupted: false, isImage: false },
    );
  }

  /** An edit: `diff` lines like `  88 -    return a + b`, `  88 +    return a - b`. */
  update(path: string, diff: string[]): this {
    const adds = diff.filter((line) => /^\s*\d+ \+/.test(line)).length;
    const removes = diff.filter((line) => /^\s*\d+ -/.test(line)).length;
    const summary = `Updated ${bold(path)} with ${adds} addition${adds === 1 ? "" : "s"} and ${removes} removal${removes === 1 ? "" : "s"}`;
    const oldText = diff
      .filter((l) => /^\s*\d+ -/.test(l))
      .map((l) => l.replace(/^\s*\d+ - ?/, ""))
      .join("\n");
    const newText = diff
      .filter((l) => /^\s*\d+ \+/.test(l))
      .map((l) => l.replace(/^\s*\d+ \+ ?/, ""))
      .join("\n");
    const coloured = diff.map((line) =>
      /^\s*\d+ -/.test(line) ? c256(52, line) : /^\s*\d+ \+/.test(line) ? c256(22, line) : line,
    );
    return this.#tool(
      "Edit",
      path,
      { file_path: `${this.o.cwd}/${path}`, old_string: oldText, new_string: newText },
      [summary, ...coloured],
      `The file ${this.o.cwd}/${path} has been updated.`,
      false,
      {
        filePath: `${this.o.cwd}/${path}`,
        oldString: oldText,
        newString: newText,
      },
    );
  }

  write(path: string, content: string[]): this {
    const shown =
      content.length > 6
        ? [...content.slice(0, 5), dim(`… +${content.length - 5} lines (ctrl+o to expand)`)]
        : content;
    return this.#tool(
      "Write",
      path,
      { file_path: `${this.o.cwd}/${path}`, content: content.join("\n") },
      [`Wrote ${content.length} lines to ${bold(path)}`, ...shown],
      `File created successfully at: ${this.o.cwd}/${path}`,
    );
  }

  todos(items: readonly [string, boolean][]): this {
    this.advance(2);
    this.#assistant([
      {
        type: "tool_use",
        id: fakeId("toolu_01", `${this.o.name}:todo${this.#n}`),
        name: "TodoWrite",
        input: {
          todos: items.map(([content, done]) => ({
            content,
            status: done ? "completed" : "pending",
          })),
        },
      },
    ]);
    const [first, ...rest] = items.map(([text, done]) => (done ? dim(`☒ ${text}`) : `☐ ${text}`));
    return this.#busy([
      `${green("⏺")} ${bold("Update Todos")}`,
      `  ⎿  ${first ?? ""}`,
      ...rest.map((line) => `     ${line}`),
      "",
    ]);
  }

  /** The turn ends: the spinner goes, the input waits. */
  endTurn(): this {
    this.advance(1);
    const last = this.transcript.at(-1);
    const message = (last?.message ?? {}) as Json;
    if (message.role === "assistant") message.stop_reason = "end_turn";
    this.raw(title("✳ Claude Code"));
    return this.frame(
      [dim(`✻ Worked for ${duration(this.clockS - this.#turnStart)}`), ""],
      ["", ...this.#inputLines()],
    );
  }

  /** A permission dialog replaces the input; the tool call waits in the transcript. */
  #dialog(name: string, input: Json, lines: string[]): this {
    this.advance(2);
    this.#assistant([
      { type: "tool_use", id: fakeId("toolu_01", `${this.o.name}:p${this.#n}`), name, input },
    ]);
    const rule = c256(ORANGE, "─".repeat(78));
    return this.frame(
      [],
      this.o.boxedInput
        ? box(lines, 78, (s) => c256(ORANGE, s))
        : [rule, ...lines.map((l) => ` ${l}`)],
    );
  }

  permissionBash(command: string, description: string, again: string): this {
    return this.#dialog("Bash", { command, description }, [
      bold("Bash command"),
      "",
      `  ${command}`,
      dim(`  ${description}`),
      "",
      "Do you want to proceed?",
      `${c256(ORANGE, "❯")} ${c256(ORANGE, "1. Yes")}`,
      `  2. Yes, and don't ask again for ${bold(again)} commands in ${bold(this.o.cwd)}`,
      "  3. No, and tell Claude what to do differently (esc)",
    ]);
  }

  permissionEdit(path: string, diff: string[]): this {
    return this.#dialog("Edit", { file_path: `${this.o.cwd}/${path}` }, [
      bold("Edit file"),
      dim(`╌╌╌ ${path} ╌╌╌`),
      ...diff,
      dim("╌".repeat(40)),
      `Do you want to make this edit to ${bold(path.split("/").pop() ?? path)}?`,
      `${c256(ORANGE, "❯")} ${c256(ORANGE, "1. Yes")}`,
      "  2. Yes, allow all edits during this session (shift+tab)",
      "  3. No, and tell Claude what to do differently (esc)",
    ]);
  }

  permissionFetch(url: string, domain: string, reason: string): this {
    return this.#dialog("WebFetch", { url, prompt: reason }, [
      bold("Fetch"),
      "",
      `  ${url}`,
      dim(`  Claude wants to fetch content from ${domain}`),
      "",
      "Do you want to allow Claude to fetch this content?",
      `${c256(ORANGE, "❯")} ${c256(ORANGE, "1. Yes")}`,
      `  2. Yes, and don't ask again for ${bold(domain)}`,
      "  3. No, and tell Claude what to do differently (esc)",
    ]);
  }

  planApproval(plan: string[]): this {
    return this.#dialog("ExitPlanMode", { plan: plan.join("\n") }, [
      bold("Ready to code?"),
      "",
      "Here is Claude's plan:",
      ...box(plan, 70, dim),
      "",
      "Would you like to proceed?",
      "",
      `${c256(ORANGE, "❯")} ${c256(ORANGE, "1. Yes, and auto-accept edits")}`,
      "  2. Yes, and manually approve edits",
      "  3. No, keep planning",
    ]);
  }

  /** A selection question (AskUserQuestion). */
  question(header: string, question: string, options: readonly [string, string][]): this {
    this.advance(2);
    this.#assistant([
      {
        type: "tool_use",
        id: fakeId("toolu_01", `${this.o.name}:q${this.#n}`),
        name: "AskUserQuestion",
        input: {
          questions: [
            {
              header,
              question,
              options: options.map(([label, description]) => ({ label, description })),
            },
          ],
        },
      },
    ]);
    return this.frame(
      [],
      [
        dim("─".repeat(78)),
        ` ☐ ${header}`,
        "",
        bold(question),
        "",
        ...options.flatMap(([label, description], i) => [
          `${i === 0 ? c256(ORANGE, "❯") : " "} ${i + 1}. ${label}`,
          dim(`     ${description}`),
        ]),
        `  ${options.length + 1}. Type something.`,
        "",
        dim("Enter to select · ↑/↓ to navigate · Esc to cancel"),
      ],
    );
  }

  /** Claude Code's trust dialog when it starts in a new folder. */
  trustDialog(): this {
    this.raw(bashPrompt(this.o.user, this.o.host, this.home) + "claude" + CRLF);
    return this.frame(
      [],
      box(
        [
          bold("Do you trust the files in this folder?"),
          "",
          this.o.cwd,
          "",
          "Claude Code may read files in this folder. Reading untrusted files may lead Claude Code",
          "to behave in unexpected ways.",
          "",
          "With your permission Claude Code may execute files in this folder. Executing untrusted",
          "code is unsafe.",
          "",
          dim("https://docs.claude.com/s/claude-code-security"),
          "",
          `${c256(ORANGE, "❯")} 1. Yes, proceed`,
          "  2. No, exit",
          "",
          dim("Enter to confirm · Esc to exit"),
        ],
        96,
        (s) => c256(ORANGE, s),
      ),
    );
  }

  /** The usage limit: Claude stops and says when it resets. */
  usageLimit(resets: string): this {
    this.advance(2);
    this.transcript.push({
      parentUuid: this.#parent,
      isSidechain: false,
      userType: "external",
      cwd: this.o.cwd,
      sessionId: this.sessionId,
      version: this.o.version,
      gitBranch: this.o.branch,
      type: "assistant",
      uuid: fakeUuid(`${this.o.name}:limit`),
      timestamp: isoAt(this.o.start, this.clockS),
      message: {
        id: fakeUuid(`${this.o.name}:limitmsg`),
        model: "<synthetic>",
        role: "assistant",
        stop_reason: "stop_sequence",
        stop_sequence: "",
        type: "message",
        usage: {
          input_tokens: 0,
          output_tokens: 0,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
        content: [{ type: "text", text: `5-hour limit reached ∙ resets ${resets}` }],
      },
      isApiErrorMessage: true,
    });
    return this.frame(
      [
        `  ⎿  ${red(`5-hour limit reached ∙ resets ${resets}`)}`,
        dim("     /upgrade to increase your usage limit."),
        "",
      ],
      ["", ...this.#inputLines()],
    );
  }

  /** An API error Claude Code is retrying, with the spinner still up. */
  apiRetry(status: string, body: string, attempts: readonly number[]): this {
    for (const [i, wait] of attempts.entries()) {
      this.advance(wait);
      this.frame(
        [],
        [
          this.#spinner(),
          red(
            `  ⎿  API Error (${status} ${body}) · Retrying in ${wait} seconds… (attempt ${i + 1}/10)`,
          ),
          "",
          ...this.#inputLines(),
        ],
      );
    }
    return this;
  }

  /** Claude Code dies; the shell prompt comes back. */
  crash(error: string[], exitLine?: string): this {
    this.advance(1);
    this.frame([], []);
    this.lines(...error.map((line, i) => (i === 0 ? red(line) : dim(line))));
    if (exitLine !== undefined) this.lines(exitLine);
    return this.raw(bashPrompt(this.o.user, this.o.host, this.home));
  }

  /** Keeps the spinner going for `frames` more redraws (the turn is still running). */
  working(frames = 2): this {
    return this.think(frames, 4);
  }

  /** The transcript, one JSON object per line. */
  transcriptText(): string {
    return this.transcript.map((entry) => JSON.stringify(entry)).join("\n") + "\n";
  }
}
