import type { Clock } from "@agentwatch/models";
import {
  type NotifiedAgent,
  type Notification,
  agentNotification,
  digestNotification,
  notifiedAgent,
} from "./message.js";
import {
  type AgentTransition,
  type NotifyReason,
  type SummaryLike,
  reasonOf,
  stillHolds,
  summaryMatches,
} from "./transition.js";

/** Schedules a callback; `setTimeout`/`clearTimeout` by default, a fake in tests of a fake clock. */
export interface NotifyTimer {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** The timer of `setTimeout`, unref'd: a pending digest never keeps a process alive. */
export const systemTimer: NotifyTimer = {
  set(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return handle;
  },
  clear(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/** The policy's knobs (see `NotifierOptions`). */
export interface PolicyOptions {
  readonly turnEnd: boolean;
  readonly cooldownMs: number;
  readonly rateLimit: number;
  readonly rateWindowMs: number;
  readonly summaryWaitMs: number;
  readonly clock: Clock;
  readonly timer: NotifyTimer;
}

/** What the policy decided, counted since it started. */
export interface PolicyStats {
  /** Transitions it was given. */
  readonly transitions: number;
  /** Notifications about one agent sent to the targets. */
  readonly notified: number;
  /** Agents told in a digest rather than one by one (the fleet-wide rate limit). */
  readonly folded: number;
  /** Digests sent. */
  readonly digests: number;
  /** Transitions not told because the same agent entered the same state within the cooldown. */
  readonly cooldown: number;
  /** Agents held back by the rate limit that left the state before they could be told. */
  readonly resolved: number;
}

interface Held {
  readonly transition: AgentTransition;
  readonly reason: NotifyReason;
  readonly at: string;
  readonly timer: unknown;
}

/**
 * Decides what notifies and when: once per transition per agent, not again for the same agent and
 * reason within the cooldown, at most `rateLimit` messages per window across the fleet (the rest
 * folded into one digest sent when the window allows).
 */
export class NotifyPolicy {
  readonly #options: PolicyOptions;
  readonly #send: (notification: Notification) => void;
  /** When each (agent, reason) was last told or folded. */
  readonly #toldAt = new Map<string, number>();
  /** When the last messages of the window were sent, oldest first. */
  readonly #sentAt: number[] = [];
  /** Agents waiting for a digest, by instance id. */
  readonly #pending = new Map<string, NotifiedAgent>();
  /** Notifications waiting (at most `summaryWaitMs`) for the summary that names their prompt. */
  readonly #held = new Map<string, Held>();
  #digestTimer: unknown = undefined;
  #stats = { transitions: 0, notified: 0, folded: 0, digests: 0, cooldown: 0, resolved: 0 };

  constructor(options: PolicyOptions, send: (notification: Notification) => void) {
    this.#options = options;
    this.#send = send;
  }

  /** Takes one transition; whatever it sends goes out through `send` at once or later. */
  transition(transition: AgentTransition): void {
    this.#stats.transitions++;
    const id = transition.instance_id;
    const held = this.#held.get(id);
    if (held !== undefined && !stillHolds(held.reason, transition.current)) this.#unhold(id);
    const pending = this.#pending.get(id);
    if (pending !== undefined && !stillHolds(pending.reason, transition.current)) {
      this.#pending.delete(id);
      this.#stats.resolved++;
    }
    const reason = reasonOf(transition, this.#options.turnEnd);
    if (reason === null) return;
    const now = this.#options.clock();
    const key = `${id}\u0000${reason}`;
    const last = this.#toldAt.get(key);
    if (last !== undefined && now - last < this.#options.cooldownMs) {
      this.#stats.cooldown++;
      return;
    }
    this.#toldAt.set(key, now);
    this.#pruneCooldowns(now);
    const at = transition.at ?? new Date(now).toISOString();
    const knowsDetail =
      (transition.prompt !== undefined && transition.prompt !== null) ||
      summaryMatches(reason, transition.current, transition.summary);
    if (knowsDetail || this.#options.summaryWaitMs <= 0) {
      this.#release(notifiedAgent(transition, reason, at));
      return;
    }
    if (held !== undefined) this.#unhold(id);
    const timer = this.#options.timer.set(() => {
      if (this.#held.get(id)?.timer !== timer) return;
      this.#held.delete(id);
      this.#release(notifiedAgent(transition, reason, at));
    }, this.#options.summaryWaitMs);
    this.#held.set(id, { transition, reason, at, timer });
  }

  /**
   * Takes an agent's new summary: a notification held for it (same agent and state) goes out now,
   * quoting its prompt, drift reasons and recommended action.
   */
  summary(instanceId: string, summary: SummaryLike): void {
    const held = this.#held.get(instanceId);
    if (held === undefined || !summaryMatches(held.reason, held.transition.current, summary))
      return;
    this.#unhold(instanceId);
    this.#release(notifiedAgent({ ...held.transition, summary }, held.reason, held.at));
  }

  /** Sends everything held or pending now, past the rate limit; for closing. */
  flush(): void {
    for (const [id, held] of [...this.#held]) {
      this.#unhold(id);
      this.#release(notifiedAgent(held.transition, held.reason, held.at));
    }
    if (this.#digestTimer !== undefined) this.#options.timer.clear(this.#digestTimer);
    this.#digestTimer = undefined;
    this.#sendDigest();
  }

  /** The counters. */
  stats(): PolicyStats {
    return { ...this.#stats };
  }

  #unhold(id: string): void {
    const held = this.#held.get(id);
    if (held === undefined) return;
    this.#options.timer.clear(held.timer);
    this.#held.delete(id);
  }

  #release(agent: NotifiedAgent): void {
    const now = this.#options.clock();
    this.#pruneWindow(now);
    if (this.#pending.size === 0 && this.#sentAt.length < this.#options.rateLimit) {
      this.#sentAt.push(now);
      this.#stats.notified++;
      this.#send(agentNotification(agent, agent.at));
      return;
    }
    this.#pending.delete(agent.instance_id); // the newest reason wins, in arrival order
    this.#pending.set(agent.instance_id, agent);
    this.#scheduleDigest(now);
  }

  #scheduleDigest(now: number): void {
    if (this.#digestTimer !== undefined) return;
    const oldest = this.#sentAt[0];
    const wait = oldest === undefined ? 0 : Math.max(0, oldest + this.#options.rateWindowMs - now);
    this.#digestTimer = this.#options.timer.set(() => {
      this.#digestTimer = undefined;
      const at = this.#options.clock();
      this.#pruneWindow(at);
      if (this.#pending.size === 0) return;
      if (this.#sentAt.length >= this.#options.rateLimit) return this.#scheduleDigest(at);
      this.#sentAt.push(at);
      this.#sendDigest();
    }, wait);
  }

  /** Sends the agents the rate limit held back: one by itself, more as a digest. */
  #sendDigest(): void {
    if (this.#pending.size === 0) return;
    const agents = [...this.#pending.values()];
    this.#pending.clear();
    const at = new Date(this.#options.clock()).toISOString();
    if (agents.length === 1) {
      this.#stats.notified++;
      this.#send(agentNotification(agents[0]!, agents[0]!.at));
      return;
    }
    this.#stats.folded += agents.length;
    this.#stats.digests++;
    this.#send(digestNotification(agents, at));
  }

  #pruneWindow(now: number): void {
    while (this.#sentAt.length > 0 && now - this.#sentAt[0]! >= this.#options.rateWindowMs) {
      this.#sentAt.shift();
    }
  }

  #pruneCooldowns(now: number): void {
    if (this.#toldAt.size < 10_000) return;
    for (const [key, at] of this.#toldAt) {
      if (now - at >= this.#options.cooldownMs) this.#toldAt.delete(key);
    }
  }
}
