import { el, setText } from "./dom.js";
import {
  activityLabel,
  attentionLabel,
  formatConfidence,
  formatCost,
  formatDuration,
  formatTime,
  statusLabel,
} from "./format.js";
import type { CardView } from "./view.js";

interface CardParts {
  readonly root: HTMLElement;
  readonly name: HTMLElement;
  readonly status: HTMLElement;
  readonly badge: HTMLElement;
  readonly role: HTMLElement;
  readonly activity: HTMLElement;
  readonly prompt: HTMLElement;
  readonly state: HTMLElement;
  readonly tool: HTMLElement;
  readonly tools: HTMLElement;
  readonly idle: HTMLElement;
  readonly cost: HTMLElement;
  readonly drift: HTMLElement;
  readonly action: HTMLElement;
  readonly strip: HTMLElement;
  signature: string;
}

function fact(list: HTMLElement, label: string, className: string): HTMLElement {
  list.append(el("dt", undefined, label));
  const value = el("dd", className);
  list.append(value);
  return value;
}

function createCard(id: string, onOpen: (id: string) => void): CardParts {
  const root = el("article", "card");
  root.dataset.instanceId = id;
  root.tabIndex = 0;
  root.setAttribute("role", "button");
  const head = el("header", "card-head");
  const dot = el("span", "dot");
  dot.setAttribute("aria-hidden", "true");
  const name = el("h3", "name");
  const status = el("span", "status");
  head.append(dot, name, status);
  const badge = el("p", "badge");
  const role = el("p", "role");
  const activity = el("p", "activity");
  // A waiting agent's prompt, its lines kept (white-space: pre-wrap), as text.
  const prompt = el("pre", "prompt");
  const facts = el("dl", "facts");
  const state = fact(facts, "State", "state");
  const tool = fact(facts, "Last tool", "tool");
  const tools = fact(facts, "Recent", "tools");
  const idle = fact(facts, "Idle", "idle");
  const cost = fact(facts, "Cost", "cost");
  const drift = el("ul", "drift");
  const action = el("p", "action");
  const strip = el("div", "strip");
  strip.setAttribute("aria-label", "recent statuses, oldest first");
  root.append(head, badge, role, activity, prompt, facts, drift, action, strip);
  root.addEventListener("click", () => onOpen(id));
  root.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      onOpen(id);
    }
  });
  return {
    root,
    name,
    status,
    badge,
    role,
    activity,
    prompt,
    state,
    tool,
    tools,
    idle,
    cost,
    drift,
    action,
    strip,
    signature: "",
  };
}

function fill(parts: CardParts, card: CardView, nowMs: number): void {
  const { root } = parts;
  root.dataset.status = card.status;
  root.dataset.activity = card.activityState ?? "none";
  root.dataset.attention = card.attention ?? "";
  root.classList.toggle("attention", card.attention !== null);
  root.classList.toggle("exited", card.exited);
  root.classList.toggle("stale", card.stale);
  root.setAttribute("aria-label", `${card.name}: ${statusLabel(card.status)}; open its history`);
  setText(parts.name, card.host === null ? card.name : `${card.name} @ ${card.host}`);
  // An exited agent's last confidence is about work that is over: not shown.
  const confidence = card.exited ? "" : formatConfidence(card.confidence);
  setText(
    parts.status,
    confidence === "" ? statusLabel(card.status) : `${statusLabel(card.status)} · ${confidence}`,
  );
  parts.badge.hidden = card.attention === null;
  setText(parts.badge, card.attention === null ? "" : attentionLabel(card.attention));
  setText(parts.role, [card.role, card.task].filter((x) => x !== null && x !== "").join(" · "));
  setText(parts.activity, card.currentActivity ?? "No summary yet.");
  parts.prompt.hidden = card.prompt === null;
  setText(parts.prompt, card.prompt ?? "");
  setText(parts.state, activityLabel(card.activityState) || "—");
  setText(parts.tool, card.lastTool ?? "—");
  setText(parts.tools, card.recentTools.length > 0 ? card.recentTools.join(", ") : "—");
  // Only agents with a transcript have a cost: the row is not shown for the others.
  setText(parts.cost, card.costUsd === null ? "" : formatCost(card.costUsd));
  parts.cost.hidden = card.costUsd === null;
  const label = parts.cost.previousElementSibling;
  if (label instanceof HTMLElement) label.hidden = card.costUsd === null;
  parts.drift.replaceChildren(...card.driftReasons.map((reason) => el("li", undefined, reason)));
  parts.drift.hidden = card.driftReasons.length === 0;
  parts.action.hidden = card.recommendedAction === null;
  setText(parts.action, card.recommendedAction === null ? "" : `→ ${card.recommendedAction}`);
  parts.strip.replaceChildren(
    ...card.statuses.map((point) => {
      const mark = el("span", `mark s-${point.status}`);
      mark.title = `${formatTime(point.timestamp, nowMs)}: ${statusLabel(point.status)}`;
      return mark;
    }),
  );
}

/** Keeps the card grid in line with the views: one element per agent, updated in place, in order. */
export class CardGrid {
  readonly #container: HTMLElement;
  readonly #onOpen: (id: string) => void;
  readonly #cards = new Map<string, CardParts>();

  constructor(container: HTMLElement, onOpen: (id: string) => void) {
    this.#container = container;
    this.#onOpen = onOpen;
  }

  /** Shows `cards` in this order, updating only what changed. */
  render(cards: readonly CardView[], nowMs: number): void {
    const shown = new Set<string>();
    cards.forEach((card, index) => {
      shown.add(card.id);
      let parts = this.#cards.get(card.id);
      if (parts === undefined) {
        parts = createCard(card.id, this.#onOpen);
        this.#cards.set(card.id, parts);
      }
      const { idleSeconds, ...rest } = card;
      const signature = JSON.stringify(rest);
      if (signature !== parts.signature) {
        fill(parts, card, nowMs);
        parts.signature = signature;
      }
      setText(parts.idle, idleSeconds === null ? "—" : formatDuration(idleSeconds));
      const at = this.#container.children[index];
      if (at !== parts.root) this.#container.insertBefore(parts.root, at ?? null);
    });
    for (const [id, parts] of this.#cards) {
      if (shown.has(id)) continue;
      parts.root.remove();
      this.#cards.delete(id);
    }
  }
}
