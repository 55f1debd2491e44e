import type { CaseMeta } from "../eval-case.js";
import { aiderCases } from "./cases-aider.js";
import { claudeCases } from "./cases-claude.js";
import { codexCases } from "./cases-codex.js";
import { geminiCases } from "./cases-gemini.js";
import { shellCases } from "./cases-shell.js";
import type { BuiltCase, CaseSpec } from "./spec.js";

/** Every case the generator writes, in the order of the files. */
export const ALL_CASES: readonly CaseSpec[] = [
  ...claudeCases,
  ...codexCases,
  ...aiderCases,
  ...geminiCases,
  ...shellCases,
];

/** The provenance of every case in this set. */
export const PROVENANCE = "written for this set";

/** A case's `case.json` and files, as the generator makes them. */
export interface GeneratedCase {
  readonly meta: CaseMeta;
  readonly built: BuiltCase;
}

/** Builds one case's files from its spec. */
export function generate(spec: CaseSpec): GeneratedCase {
  const built = spec.build();
  return {
    meta: {
      id: spec.id,
      kind: spec.kind,
      task: spec.task,
      truth: spec.truth,
      quiet_seconds: spec.quiet_seconds ?? 12,
      tags: spec.tags,
      provenance: PROVENANCE,
      transcript: built.transcript?.form ?? null,
    },
    built,
  };
}
