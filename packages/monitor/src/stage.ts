import type { AgentStage } from "./errors.js";

/** Internal: which stage of an agent's processing threw what. */
export class StageFailure extends Error {
  readonly stage: AgentStage;
  constructor(stage: AgentStage, cause: unknown) {
    super(`${stage} failed`, { cause });
    this.name = "StageFailure";
    this.stage = stage;
  }
}

/** A read error from the reader as an Error with its code. */
export class LogReadError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "LogReadError";
    this.code = code;
  }
}

/** Runs one stage, turning what it throws into a `StageFailure` naming the stage. */
export async function stage<T>(name: AgentStage, action: () => T | Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new StageFailure(name, error);
  }
}
