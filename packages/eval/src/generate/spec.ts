import type { ActivityState, OnTrackStatus } from "@agentwatch/models";
import type { EvalAgentKind, TranscriptForm } from "../eval-case.js";

/** What a case's builder makes: the terminal bytes and, for some tools, the transcript. */
export interface BuiltCase {
  readonly log: Buffer;
  readonly transcript?: { readonly form: TranscriptForm; readonly text: string } | undefined;
}

/** One case as written in the generator: its labels and how to build its session. */
export interface CaseSpec {
  readonly id: string;
  readonly kind: EvalAgentKind;
  readonly task: string | null;
  readonly truth: {
    readonly state: ActivityState;
    readonly status: OnTrackStatus;
    readonly why: string;
  };
  readonly tags: readonly string[];
  readonly quiet_seconds?: number;
  readonly build: () => BuiltCase;
}
