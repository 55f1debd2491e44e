import type { AgentSummary } from "@agentwatch/models";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SummaryStore } from "../src/index.js";
import { makeSummary, makeTempDir, removeTempDir } from "./helpers.js";

const AGENTS = ["alpha", "beta", "gamma"] as const;

/** What the store should hold: per agent, the records of each history file (current first). */
interface Model {
  readonly maxHistoryBytes: number;
  readonly historyFiles: number;
  written: number;
  readonly agents: Map<
    string,
    { files: AgentSummary[][]; currentBytes: number; last: AgentSummary }
  >;
}

function modelWrite(model: Model, summary: AgentSummary): void {
  const bytes = Buffer.byteLength(JSON.stringify(summary)) + 1;
  const agent = model.agents.get(summary.instance_id) ?? {
    files: [[]],
    currentBytes: 0,
    last: summary,
  };
  if (agent.currentBytes > 0 && agent.currentBytes + bytes > model.maxHistoryBytes) {
    agent.files = [[], ...agent.files].slice(0, model.historyFiles);
    agent.currentBytes = 0;
  }
  agent.files[0]!.push(summary);
  agent.currentBytes += bytes;
  agent.last = summary;
  model.agents.set(summary.instance_id, agent);
}

function retainedNewestFirst(model: Model, id: string): AgentSummary[] {
  const files = model.agents.get(id)?.files ?? [];
  return files.flatMap((records) => [...records].reverse());
}

function nextSummary(model: Model, agent: number, previewLength: number): AgentSummary {
  const n = model.written++;
  return makeSummary(AGENTS[agent]!, n, {
    output_preview: "ß🤖x".repeat(Math.ceil(previewLength / 3)).slice(0, previewLength),
    on_track_status: n % 3 === 0 ? "drifting" : "on_track",
  });
}

type Real = SummaryStore;

class WriteCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly agent: number,
    readonly previewLength: number,
  ) {}
  check = () => true;
  async run(model: Model, store: Real): Promise<void> {
    const summary = nextSummary(model, this.agent, this.previewLength);
    await store.write(summary);
    modelWrite(model, summary);
  }
  toString = () => `write(${AGENTS[this.agent]}, preview ${this.previewLength})`;
}

class BurstCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly agents: readonly number[]) {}
  check = () => true;
  async run(model: Model, store: Real): Promise<void> {
    const summaries = this.agents.map((agent) => nextSummary(model, agent, 50));
    await Promise.all(summaries.map((summary) => store.write(summary)));
    for (const summary of summaries) modelWrite(model, summary);
  }
  toString = () => `burst(${this.agents.map((a) => AGENTS[a]).join(",")})`;
}

class GetLatestCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly agent: number) {}
  check = () => true;
  async run(model: Model, store: Real): Promise<void> {
    const id = AGENTS[this.agent]!;
    expect(await store.getLatest(id)).toEqual(model.agents.get(id)?.last);
  }
  toString = () => `getLatest(${AGENTS[this.agent]})`;
}

class GetHistoryCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly agent: number,
    readonly limit: number,
    readonly sinceBack: number | undefined,
  ) {}
  check = () => true;
  async run(model: Model, store: Real): Promise<void> {
    const id = AGENTS[this.agent]!;
    const since =
      this.sinceBack === undefined
        ? undefined
        : makeSummary(id, Math.max(0, model.written - this.sinceBack)).timestamp;
    const expected = retainedNewestFirst(model, id)
      .filter((s) => since === undefined || s.timestamp >= since)
      .slice(0, this.limit);
    expect(await store.getHistory(id, { limit: this.limit, since })).toEqual(expected);
  }
  toString = () => `getHistory(${AGENTS[this.agent]}, ${this.limit}, since -${this.sinceBack})`;
}

class GetAllLatestCommand implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(model: Model, store: Real): Promise<void> {
    const expected = [...model.agents.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, agent]) => agent.last);
    expect(await store.getAllLatest()).toEqual(expected);
  }
  toString = () => "getAllLatest()";
}

const agentIndex = fc.integer({ min: 0, max: AGENTS.length - 1 });
const commands = [
  fc.tuple(agentIndex, fc.integer({ min: 0, max: 200 })).map(([a, p]) => new WriteCommand(a, p)),
  fc.tuple(agentIndex, fc.integer({ min: 0, max: 200 })).map(([a, p]) => new WriteCommand(a, p)),
  fc.array(agentIndex, { minLength: 2, maxLength: 8 }).map((agents) => new BurstCommand(agents)),
  agentIndex.map((a) => new GetLatestCommand(a)),
  fc
    .tuple(agentIndex, fc.integer({ min: 1, max: 30 }), fc.option(fc.integer({ min: 0, max: 20 })))
    .map(([a, limit, since]) => new GetHistoryCommand(a, limit, since ?? undefined)),
  fc.constant(new GetAllLatestCommand()),
];

describe("SummaryStore against a model", () => {
  it("latest, history (within what rotation keeps) and all-latest match the model after any sequence", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 500, max: 4000 }),
        fc.integer({ min: 1, max: 4 }),
        fc.commands(commands, { maxCommands: 40 }),
        async (maxHistoryBytes, historyFiles, cmds) => {
          const dir = await makeTempDir();
          try {
            const model: Model = { maxHistoryBytes, historyFiles, written: 0, agents: new Map() };
            const store = new SummaryStore(dir, { maxHistoryBytes, historyFiles });
            await fc.asyncModelRun(() => ({ model, real: store }), cmds);
            for (let agent = 0; agent < AGENTS.length; agent++) {
              await new GetHistoryCommand(agent, 1000, undefined).run(model, store);
              await new GetLatestCommand(agent).run(model, store);
            }
          } finally {
            await removeTempDir(dir);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
