/**
 * The wake benchmark's other process: one WebSocket client, and the simulated agents appending to
 * their logs. Driven by wake.bench.ts, so the server's process holds only the server and the
 * monitor, and both ends of every measured interval (the prompt's write, the client's receipt) are
 * read from this process's clock.
 *
 * Every agent writes ordinary Claude Code output (a step every 150–550 ms: a few lines a second),
 * and after a random stretch of work prints a permission prompt (agent-sim's `permission-prompt`
 * box, in one write, its last line without a newline as Claude Code leaves it). It then waits for
 * the client to receive the agent's `state_change` to `waiting_permission` (or `missAfterMs`),
 * "answers" after a short pause and goes back to work. Agents stop once `prompts` prompts were
 * printed in all.
 *
 * stdout: one line of JSON when done: {"latencies":[ms…],"missed":n,"prompts":n,"writes":n,…}.
 */
import { appendFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { SeededRandom, type Scenario, type SimStep, scenarioSteps } from "@agentwatch/agent-sim";
import { WebSocket } from "ws";

/** What wake.bench.ts passes (as JSON in argv[2]). */
export interface WakeDriverArgs {
  readonly url: string;
  readonly agents: ReadonlyArray<{ readonly id: string; readonly path: string }>;
  /** Prompts printed in all, over every agent. */
  readonly prompts: number;
  /** Work between prompts, in ms: [min, max]. */
  readonly workMs: readonly [number, number];
  /** The "user"'s pause between seeing a prompt reported and answering it, in ms: [min, max]. */
  readonly answerMs: readonly [number, number];
  /** A prompt not reported within this long counts as missed. */
  readonly missAfterMs: number;
  readonly seed: number;
}

/** What the driver prints when done. */
export interface WakeDriverReport {
  readonly latencies: number[];
  readonly missed: number;
  readonly prompts: number;
  /** Ordinary writes (one step of output each) over the whole run. */
  readonly writes: number;
  readonly seconds: number;
  /** `state_change` messages received, to any state. */
  readonly stateChanges: number;
}

const args = JSON.parse(process.argv[2] ?? "{}") as WakeDriverArgs;
const ORDINARY: readonly Scenario[] = ["implement-feature", "unicode-docs"];

/** The permission prompt as Claude Code prints it, in agent-sim's `permission-prompt` scenario. */
function promptBytes(): string {
  const steps = [...scenarioSteps("permission-prompt", new SeededRandom(args.seed))];
  const start = steps.findIndex((step) => step.text.startsWith("⏺ Bash("));
  if (start < 0) throw new Error("agent-sim's permission-prompt scenario has no Bash tool call");
  return steps
    .slice(start)
    .map((step) => step.text)
    .join("");
}
const PROMPT = promptBytes();
/** What follows an answered prompt: the prompt's line ends, the tool runs. */
const ANSWER = "\n  ⎿  ALTER TABLE\n";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const latencies: number[] = [];
/** Agent id → the prompt waiting to be reported: when it was written, and who waits for it. */
const pending = new Map<string, { at: number; done: (seen: boolean) => void }>();
let stateChanges = 0;

const ws = new WebSocket(args.url);
await new Promise<void>((resolve, reject) => {
  ws.on("message", (data: Buffer) => {
    const message = JSON.parse(data.toString("utf8")) as {
      type: string;
      instance_id?: string;
      current?: { activity_state: string | null };
    };
    if (message.type === "snapshot") resolve();
    if (message.type !== "state_change") return;
    stateChanges++;
    if (message.current?.activity_state !== "waiting_permission") return;
    const waiting = pending.get(message.instance_id ?? "");
    if (waiting === undefined) return;
    latencies.push(performance.now() - waiting.at);
    pending.delete(message.instance_id!);
    waiting.done(true);
  });
  ws.on("error", reject);
});

let started = 0;
let missed = 0;
let writes = 0;
const t0 = performance.now();

async function agent(id: string, path: string, index: number): Promise<void> {
  const random = new SeededRandom(args.seed * 1000 + index);
  const output = scenarioSteps(ORDINARY[index % ORDINARY.length]!, random);
  const work = async (ms: number) => {
    const until = performance.now() + ms;
    // Until the last prompt is reported, every agent keeps writing: the load stays as it was.
    while (performance.now() < until && !(started >= args.prompts && pending.size === 0)) {
      appendFileSync(path, (output.next().value as SimStep).text); // the scenario never ends
      writes++;
      await sleep(random.int(150, 550));
    }
  };
  for (;;) {
    await work(random.int(args.workMs[0], args.workMs[1]));
    if (started >= args.prompts) return;
    started++;
    appendFileSync(path, PROMPT); // one write, as the terminal receives the box
    const at = performance.now();
    await new Promise<boolean>((done) => {
      pending.set(id, { at, done });
      setTimeout(() => {
        if (pending.get(id)?.at !== at) return;
        pending.delete(id);
        missed++;
        done(false);
      }, args.missAfterMs);
    });
    await sleep(random.int(args.answerMs[0], args.answerMs[1]));
    appendFileSync(path, ANSWER);
  }
}

await Promise.all(args.agents.map(({ id, path }, index) => agent(id, path, index)));
const report: WakeDriverReport = {
  latencies,
  missed,
  prompts: started,
  writes,
  seconds: (performance.now() - t0) / 1000,
  stateChanges,
};
ws.terminate();
process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0));
