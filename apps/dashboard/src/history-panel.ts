import { fetchHistory } from "./api.js";
import { summaryText } from "./card-text.js";
import { cleanLine } from "./clean-text.js";
import { byId, el, setText } from "./dom.js";
import { activityLabel, formatConfidence, formatTime, statusLabel } from "./format.js";
import { HISTORY_LIMIT, mergeNewestFirst } from "./history-list.js";
import type { Summary } from "./protocol.js";
import type { Endpoints } from "./urls.js";

/** The history panel of one agent: its stored summaries, newest first, plus live ones. */
export class HistoryPanel {
  readonly #panel = byId("history");
  readonly #title = byId("history-title");
  readonly #status = byId("history-status");
  readonly #list = byId("history-list");
  readonly #endpoints: Endpoints;
  readonly #onLoaded: (id: string, summaries: Summary[]) => void;
  #id: string | null = null;
  #entries: Summary[] = [];

  constructor(endpoints: Endpoints, onLoaded: (id: string, summaries: Summary[]) => void) {
    this.#endpoints = endpoints;
    this.#onLoaded = onLoaded;
    byId("history-close").addEventListener("click", () => this.close());
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.close();
    });
  }

  /** The agent shown, or null when closed. */
  get openId(): string | null {
    return this.#id;
  }

  /** Opens the panel on agent `id` (named `name`) and loads its history. */
  async open(id: string, name: string): Promise<void> {
    this.#id = id;
    this.#entries = [];
    this.#panel.hidden = false;
    this.#panel.dataset.instanceId = id;
    setText(this.#title, `History of ${cleanLine(name)}`);
    setText(this.#status, "Loading…");
    this.#list.replaceChildren();
    try {
      const summaries = await fetchHistory(this.#endpoints, id, HISTORY_LIMIT);
      if (this.#id !== id) return;
      this.#onLoaded(id, summaries);
      this.#entries = mergeNewestFirst(this.#entries, summaries);
      setText(this.#status, `${this.#entries.length} summaries, newest first`);
      this.#renderList();
    } catch (error) {
      if (this.#id === id)
        setText(this.#status, `Cannot load the history: ${cleanLine((error as Error).message)}`);
    }
  }

  /** Adds a live summary when it is about the agent shown. */
  add(summary: Summary): void {
    if (summary.instance_id !== this.#id) return;
    this.#entries = mergeNewestFirst(this.#entries, [summary]);
    this.#renderList();
  }

  /** Closes the panel. */
  close(): void {
    this.#id = null;
    this.#panel.hidden = true;
  }

  #renderList(): void {
    const now = Date.now();
    this.#list.replaceChildren(
      ...this.#entries.map((summary) => {
        const exited = summary.activity_state === "exited";
        const item = el("li", `entry s-${exited ? "exited" : summary.on_track_status}`);
        const head = el("p", "entry-head");
        head.append(
          el("time", undefined, formatTime(summary.timestamp, now)),
          el(
            "span",
            "entry-status",
            (exited
              ? [statusLabel("exited")]
              : [
                  statusLabel(summary.on_track_status),
                  formatConfidence(summary.confidence_score),
                  activityLabel(summary.activity_state ?? null),
                ]
            )
              .filter((x) => x !== "")
              .join(" · "),
          ),
        );
        const text = summaryText(summary);
        item.append(head, el("p", "entry-activity", text.activity));
        if (text.prompt !== null) item.append(el("pre", "prompt", text.prompt));
        if (text.driftReasons.length > 0) {
          const drift = el("ul", "drift");
          drift.append(...text.driftReasons.map((r) => el("li", undefined, r)));
          item.append(drift);
        }
        if (text.action !== null) item.append(el("p", "action", `→ ${text.action}`));
        return item;
      }),
    );
  }
}
