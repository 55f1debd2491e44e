import { CRLF, Capture, bashPrompt, bold, box, cyan, dim, duration, green, red } from "./ansi.js";
import { fakeId, fakeUuid, isoAt } from "./ids.js";

/** Options of a Codex CLI session. */
export interface CodexOptions {
  readonly name: string;
  readonly cwd: string;
  readonly user: string;
  readonly host: string;
  readonly version?: string;
  readonly model?: string;
  readonly start?: string;
  readonly branch?: string;
}

type Json = Record<string, unknown>;

/**
 * Builds a Codex CLI session: the pane capture (history cells inserted above a redrawn bottom
 * pane) and the rollout (`~/.codex/sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl`).
 */
export class CodexSession extends Capture {
  readonly o: Required<CodexOptions>;
  readonly sessionId: string;
  readonly rollout: Json[] = [];
  #turnStart = 0;
  #n = 0;
  #context = 100;

  constructor(options: CodexOptions) {
    super();
    this.o = {
      version: "0.46.0",
      model: "gpt-5-codex",
      start: "2025-06-02T08:40:00.000Z",
      branch: "main",
      ...options,
    };
    this.sessionId = fakeUuid(`${options.name}:codex`);
  }

  get home(): string {
    return this.o.cwd.replace(`/home/${this.o.user}`, "~");
  }

  /** Where Codex writes this session's rollout. */
  get rolloutPath(): string {
    const stamp = this.o.start.slice(0, 19).replace(/:/g, "-");
    const [y, m, d] = this.o.start.slice(0, 10).split("-");
    return `~/.codex/sessions/${y}/${m}/${d}/rollout-${stamp}-${this.sessionId}.jsonl`;
  }

  #log(type: string, payload: Json): void {
    this.rollout.push({ timestamp: isoAt(this.o.start, this.clockS), type, payload });
  }

  #bottom(status: string | null): string[] {
    return [
      "",
      ...(status === null ? [] : [status, ""]),
      `${bold("›")} ${dim("Ask Codex to do anything")}`,
      "",
      dim(`  ${this.#context}% context left · ? for shortcuts`),
    ];
  }

  #status(): string {
    return `${cyan("•")} ${bold("Working")} ${dim(`(${duration(this.clockS - this.#turnStart)} • esc to interrupt)`)}`;
  }

  #busy(cells: string[] = []): this {
    return this.frame(cells, this.#bottom(this.#status()));
  }

  /** The shell, `codex`, the header box and the empty composer. */
  start(): this {
    this.raw(bashPrompt(this.o.user, this.o.host, this.home) + "codex" + CRLF);
    this.#log("session_meta", {
      id: this.sessionId,
      timestamp: this.o.start,
      cwd: this.o.cwd,
      originator: "codex_cli_rs",
      cli_version: this.o.version,
      instructions: null,
      git: {
        commit_hash: fakeId("", `${this.o.name}:sha`, 40).toLowerCase(),
        branch: this.o.branch,
      },
    });
    const header = box(
      [
        `${dim(">_")} ${bold("OpenAI Codex")} ${dim(`(v${this.o.version})`)}`,
        "",
        `${dim("model:")}     ${this.o.model}   ${cyan("/model")} ${dim("to change")}`,
        `${dim("directory:")} ${this.home}`,
      ],
      52,
      dim,
    );
    return this.frame(
      [
        ...header,
        "",
        dim("  To get started, describe a task or try one of these commands:"),
        "",
        `  ${cyan("/init")} - create an AGENTS.md file with instructions for Codex`,
        `  ${cyan("/status")} - show current session configuration`,
        `  ${cyan("/approvals")} - choose what Codex can do without approval`,
        `  ${cyan("/model")} - choose what model and reasoning effort to use`,
        "",
      ],
      this.#bottom(null),
    );
  }

  user(text: string): this {
    this.frame(
      [],
      [
        "",
        `${bold("›")} ${text.slice(0, 20)}`,
        "",
        dim(`  ${this.#context}% context left · ? for shortcuts`),
      ],
    );
    this.#turnStart = this.clockS;
    this.#log("response_item", {
      type: "message",
      role: "user",
      content: [{ type: "input_text", text }],
    });
    this.#log("event_msg", { type: "user_message", message: text, kind: "plain" });
    this.#log("turn_context", {
      cwd: this.o.cwd,
      approval_policy: "on-request",
      sandbox_policy: { mode: "workspace-write", network_access: false },
      model: this.o.model,
      effort: "medium",
      summary: "auto",
    });
    return this.#busy([`${bold("›")} ${text}`, ""]);
  }

  think(frames = 2, step = 3): this {
    for (let i = 0; i < frames; i++) {
      this.advance(step);
      this.#busy();
    }
    this.#log("response_item", {
      type: "reasoning",
      summary: [],
      content: null,
      encrypted_content: fakeId("gAAAAB", `${this.o.name}:r${this.#n++}`, 48),
    });
    return this;
  }

  say(text: string): this {
    this.advance(2);
    this.#log("event_msg", { type: "agent_message", message: text });
    this.#log("response_item", {
      type: "message",
      role: "assistant",
      content: [{ type: "output_text", text }],
    });
    const [first = "", ...rest] = text.split("\n");
    return this.#busy([`${dim("•")} ${first}`, ...rest.map((l) => `  ${l}`), ""]);
  }

  #call(command: string, output: string[], exit: number): string {
    const callId = fakeId("call_", `${this.o.name}:c${this.#n++}`);
    this.#log("response_item", {
      type: "function_call",
      name: "shell",
      arguments: JSON.stringify({
        command: ["bash", "-lc", command],
        workdir: this.o.cwd,
        timeout_ms: 120000,
      }),
      call_id: callId,
    });
    this.#log("response_item", {
      type: "function_call_output",
      call_id: callId,
      output: JSON.stringify({
        output: output.join("\n"),
        metadata: { exit_code: exit, duration_seconds: 1.2 },
      }),
    });
    return callId;
  }

  /** Reads and searches, shown together as Codex groups them. */
  explored(items: readonly string[]): this {
    this.advance(3);
    for (const item of items) {
      const [verb, ...rest] = item.split(" ");
      const target = rest.join(" ");
      this.#call(
        verb === "Read"
          ? `sed -n '1,200p' ${target}`
          : verb === "List"
            ? `ls ${target}`
            : `rg -n ${target}`,
        [],
        0,
      );
    }
    const [first = "", ...rest] = items;
    return this.#busy([
      `${dim("•")} ${bold("Explored")}`,
      `  └ ${first}`,
      ...rest.map((l) => `    ${l}`),
      "",
    ]);
  }

  ran(command: string, output: string[], exit = 0): this {
    this.advance(4);
    this.#busy([]);
    this.advance(2);
    this.#call(command, output, exit);
    const shown =
      output.length > 6
        ? [...output.slice(0, 2), dim(`… +${output.length - 5} lines`), ...output.slice(-3)]
        : output;
    const [first = dim("(no output)"), ...rest] = shown;
    return this.#busy([
      `${exit === 0 ? green("•") : red("•")} ${bold("Ran")} ${command}`,
      `  └ ${first}`,
      ...rest.map((l) => `    ${l}`),
      "",
    ]);
  }

  /** An apply_patch edit; `diff` lines like `12 -old` / `12 +new`. */
  edited(path: string, diff: string[]): this {
    this.advance(3);
    const adds = diff.filter((l) => /^\s*\d+ \+/.test(l)).length;
    const removes = diff.filter((l) => /^\s*\d+ -/.test(l)).length;
    const callId = fakeId("call_", `${this.o.name}:p${this.#n++}`);
    const patch = [
      "*** Begin Patch",
      `*** Update File: ${path}`,
      "@@",
      ...diff.map((l) =>
        l.replace(/^\s*\d+ ([+-]?)/, (_, sign: string) => (sign === "" ? " " : sign)),
      ),
      "*** End Patch",
    ].join("\n");
    this.#log("response_item", {
      type: "custom_tool_call",
      status: "completed",
      call_id: callId,
      name: "apply_patch",
      input: patch,
    });
    this.#log("response_item", {
      type: "custom_tool_call_output",
      call_id: callId,
      output: JSON.stringify({
        output: `Success. Updated the following files:\nM ${path}\n`,
        metadata: { exit_code: 0, duration_seconds: 0 },
      }),
    });
    const coloured = diff.map((l) =>
      /^\s*\d+ -/.test(l)
        ? red(`    ${l}`)
        : /^\s*\d+ \+/.test(l)
          ? green(`    ${l}`)
          : dim(`    ${l}`),
    );
    return this.#busy([
      `${dim("•")} ${bold("Edited")} ${path} (${green(`+${adds}`)} ${red(`-${removes}`)})`,
      ...coloured,
      "",
    ]);
  }

  endTurn(): this {
    this.advance(1);
    this.#context = Math.max(40, this.#context - 7);
    this.#log("event_msg", {
      type: "token_count",
      info: {
        total_token_usage: {
          input_tokens: 41000,
          cached_input_tokens: 31000,
          output_tokens: 3200,
          reasoning_output_tokens: 1900,
          total_tokens: 44200,
        },
        model_context_window: 272000,
      },
    });
    const worked = `─ Worked for ${duration(this.clockS - this.#turnStart)} `;
    return this.frame(
      [dim(worked + "─".repeat(Math.max(4, 78 - worked.length))), ""],
      this.#bottom(null),
    );
  }

  /** The command approval overlay. */
  approveCommand(command: string, reason: string): this {
    this.advance(2);
    const callId = fakeId("call_", `${this.o.name}:a${this.#n++}`);
    this.#log("response_item", {
      type: "function_call",
      name: "shell",
      arguments: JSON.stringify({
        command: ["bash", "-lc", command],
        workdir: this.o.cwd,
        with_escalated_permissions: true,
        justification: reason,
      }),
      call_id: callId,
    });
    return this.frame(
      [],
      [
        "",
        "  Would you like to run the following command?",
        "",
        `  Reason: ${reason}`,
        "",
        `  $ ${command}`,
        "",
        `${cyan("›")} ${cyan("1. Yes, proceed")} ${dim("(y)")}`,
        `  2. Yes, and don't ask again for commands that start with \`${command.split(" ").slice(0, 2).join(" ")}\` ${dim("(p)")}`,
        `  3. No, and tell Codex what to do differently ${dim("(esc)")}`,
        "",
        dim("  Press enter to confirm or esc to cancel"),
      ],
    );
  }

  /** The edit approval overlay. */
  approveEdits(path: string, diff: string[], reason: string): this {
    this.advance(2);
    const adds = diff.filter((l) => /^\s*\d+ \+/.test(l)).length;
    const removes = diff.filter((l) => /^\s*\d+ -/.test(l)).length;
    return this.frame(
      [],
      [
        "",
        "  Would you like to make the following edits?",
        "",
        `  Reason: ${reason}`,
        "",
        `  ${bold(path)} (${green(`+${adds}`)} ${red(`-${removes}`)})`,
        ...diff.map((l) => `    ${l}`),
        "",
        `${cyan("›")} ${cyan("1. Yes, proceed")} ${dim("(y)")}`,
        `  2. Yes, and don't ask again for these files ${dim("(a)")}`,
        `  3. No, and tell Codex what to do differently ${dim("(esc)")}`,
        "",
        dim("  Press enter to confirm or esc to cancel"),
      ],
    );
  }

  /** An error cell at the end of a turn (usage limit, exhausted retries). */
  errorCell(message: string): this {
    this.advance(2);
    this.#log("event_msg", { type: "error", message });
    return this.frame([`${red("■")} ${red(message)}`, ""], this.#bottom(null));
  }

  /** A transient stream error Codex is retrying, with its status line. */
  retrying(message: string, attempt: number, of: number, wait: string): this {
    this.advance(3);
    this.#log("event_msg", {
      type: "stream_error",
      message: `${message}; retrying ${attempt}/${of} in ${wait}…`,
    });
    return this.frame(
      [],
      [
        "",
        `${red("⚠")} ${message}; retrying ${attempt}/${of} in ${wait}…`,
        ...this.#bottom(this.#status()),
      ],
    );
  }

  /** `/quit` after the turn: the usage line and the shell prompt. */
  quit(tokens: string): this {
    this.frame([], ["", `${bold("›")} /quit`, ""]);
    this.frame([], []);
    this.lines(
      "",
      `Token usage: ${tokens}`,
      `To continue this session, run codex resume ${this.sessionId}`,
    );
    return this.raw(bashPrompt(this.o.user, this.o.host, this.home));
  }

  /** Codex dies (a panic); the shell prompt comes back. */
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

  rolloutText(): string {
    return this.rollout.map((entry) => JSON.stringify(entry)).join("\n") + "\n";
  }
}
