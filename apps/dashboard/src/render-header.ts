import type { ConnectionState } from "./connection.js";
import { el, setText } from "./dom.js";
import { formatCost, formatDuration, formatTime, statusLabel } from "./format.js";
import type { CycleInfo } from "./state.js";
import { CARD_STATUSES, type Counts, type Filter } from "./view.js";

type FilterKey = Filter["status"];

const FILTER_KEYS: readonly FilterKey[] = ["all", "attention", ...CARD_STATUSES];

function filterLabel(key: FilterKey): string {
  if (key === "all") return "All";
  if (key === "attention") return "Needs attention";
  return statusLabel(key);
}

/** The status filter: one toggle per status with its count. */
export class FilterBar {
  readonly #buttons = new Map<FilterKey, { button: HTMLButtonElement; count: HTMLElement }>();

  constructor(container: HTMLElement, onSelect: (key: FilterKey) => void) {
    for (const key of FILTER_KEYS) {
      const button = el("button", `chip chip-${key}`);
      button.type = "button";
      button.dataset.filter = key;
      const count = el("span", "count", "0");
      button.append(el("span", "chip-label", filterLabel(key)), count);
      button.addEventListener("click", () => onSelect(key));
      container.append(button);
      this.#buttons.set(key, { button, count });
    }
  }

  /** Shows the counts and which filter is on. */
  render(counts: Counts, selected: FilterKey): void {
    for (const [key, { button, count }] of this.#buttons) {
      setText(count, String(counts[key]));
      button.setAttribute("aria-pressed", String(key === selected));
      button.classList.toggle("has-attention", key === "attention" && counts.attention > 0);
    }
  }
}

/** The connection badge: connecting, live, or reconnecting with the next attempt. */
export function renderConnection(
  element: HTMLElement,
  state: ConnectionState,
  nowMs: number,
): void {
  element.dataset.phase = state.phase;
  if (state.phase === "connecting") setText(element, "Connecting…");
  else if (state.phase === "live") setText(element, "Live");
  else {
    const seconds = Math.max(0, Math.ceil((state.retryAt - nowMs) / 1000));
    setText(element, `Reconnecting in ${seconds}s (${state.reason})`);
  }
}

/**
 * The health line: when the last poll cycle ran, how long it took, what it read; whether the model
 * is unavailable; what the sessions active today cost.
 */
export function renderHealth(
  element: HTMLElement,
  cycle: CycleInfo | null,
  nowMs: number,
  cost: { usd: number; sessions: number } | null = null,
): void {
  if (cycle === null) {
    setText(element, "Waiting for the first poll cycle…");
    return;
  }
  const ago = formatDuration((nowMs - cycle.received_at) / 1000);
  const parts = [
    `last cycle ${formatTime(cycle.started_at, nowMs)} (${ago} ago)`,
    `${(cycle.duration_ms / 1000).toFixed(1)} s`,
    `${cycle.agents} agents`,
    `${cycle.lines} lines`,
  ];
  if (cycle.failures > 0) parts.push(`${cycle.failures} failed`);
  const down = cycle.model?.unavailable_since ?? null;
  if (down !== null) {
    parts.push(`model unavailable since ${formatTime(down, nowMs)}, offline verdicts`);
  }
  if (cost !== null) {
    parts.push(
      `${formatCost(cost.usd)} for the ${cost.sessions === 1 ? "session" : `${cost.sessions} sessions`} active today`,
    );
  }
  element.dataset.model = down === null ? "up" : "down";
  setText(element, parts.join(" · "));
}
