import {
  type ActionMeaning,
  type ActivityLoop,
  type AgentAction,
  appendActions,
  editMeaning,
  isTestPath,
} from "@agentwatch/activity";
import type { JudgeInput } from "./provider.js";
import { matchedTerms, pathWords, taskTerms, withoutPrompt, wordsOf } from "./task-terms.js";
import { oneLine, truncate } from "./text.js";

/** Whether an action serves the task (`task`), neither serves nor leaves it (`neutral`), or does not. */
export type Relevance = "task" | "neutral" | "unrelated";

/** One action as the judge sees it: what it did, whether it serves the task, what it means. */
export interface DigestAction {
  /** `edit`, `command`, `read`, `search`, `web` or `other`. */
  readonly kind: string;
  readonly tool: string;
  /** The file or command (at most 160 characters). */
  readonly target: string;
  /** Whether it serves the task, by the task's terms in its path, command or added text. */
  readonly serves: Relevance;
  /** When it subverts the task: the evidence. */
  readonly subverts: string | null;
}

/** The share of recent edits and commands that serve the task, and the run of those that do not. */
export interface DriftWindow {
  /** Edits, commands and web lookups judged (the last 20). */
  readonly judged: number;
  /** Of those, how many serve the task. */
  readonly serving: number;
  /** How many do not. */
  readonly unrelated: number;
  /** `serving / (serving + unrelated)`, null when neither. */
  readonly share: number | null;
  /** Unrelated edits and commands since the last one that served the task. */
  readonly unrelatedRun: number;
  /** The files edited in that run. */
  readonly unrelatedEdits: readonly string[];
  /** The verdict the window gives: null when it shows no drift. */
  readonly verdict: "drifting" | "off_track" | null;
}

/**
 * The structured facts a verdict is made from, the same for the offline judge and the model:
 * the task's terms, the recent actions with their meaning, the drift window, the loop, the
 * subverting actions seen.
 */
export interface JudgeDigest {
  /** The task's terms (stop words, file extensions and prompt noise removed). */
  readonly taskTerms: readonly string[];
  /** Task terms found in the actions and in the agent's own words. */
  readonly matchedTerms: readonly string[];
  /** Task terms found in what the agent wrote (not its commands or files). */
  readonly mentionedTerms: readonly string[];
  /** The last 20 actions, oldest first. */
  readonly actions: readonly DigestAction[];
  readonly drift: DriftWindow;
  /** Subverting actions in the window (a test skipped, CI disabled, a force-push to main…). */
  readonly subversions: readonly ActionMeaning[];
  /** The loop the analysis found, if any. */
  readonly loop: ActivityLoop | null;
  /** Busy but silent for the stall time. */
  readonly stalled: boolean;
}

/** Actions shown in the digest. */
export const DIGEST_ACTIONS = 20;

/** Commands that build, test, inspect or manage a project whatever its task is. */
const GENERIC_COMMAND =
  /^(?:cd|ls|ll|la|pwd|cat|bat|less|more|head|tail|wc|echo|printf|clear|tree|find|fd|grep|rg|ag|which|type|env|export|source|\.|true|sleep|date|whoami|file|stat|diff|sort|uniq|jq|mkdir|touch|cp|mv|chmod|git|gh|npm|pnpm|yarn|npx|bun|bunx|node|deno|tsx|ts-node|tsc|eslint|prettier|biome|vitest|jest|mocha|ava|playwright|cypress|pytest|py\.test|python|python3|pip|pip3|poetry|uv|pipenv|mypy|pyright|ruff|black|isort|flake8|pylint|tox|nox|coverage|make|cmake|ninja|meson|cargo|rustc|rustfmt|go|gofmt|golangci-lint|mvn|gradle|\.\/gradlew|dotnet|bundle|rake|rspec|rails|mix|elixir|docker|docker-compose|podman|kubectl|helm|terraform|tofu|psql|sqlite3|redis-cli|curl|wget|http|open|code|vim|nano|ps|kill|lsof|top|htop|du|df|tar|unzip|zip|sed|awk|xargs|time|timeout|watch|nohup|sudo|apt|apt-get|brew|swift|xcodebuild|flutter|dart|php|composer|ruby|java|javac|kotlin|ruby|perl|lua|R|Rscript|julia)$/;
/** Files every task may touch: manifests, lockfiles, configs, changelogs. */
const NEUTRAL_FILE =
  /(?:^|\/)(?:package(?:-lock)?\.json|pnpm-lock\.yaml|pnpm-workspace\.yaml|yarn\.lock|bun\.lockb?|tsconfig[\w.-]*\.json|jsconfig\.json|pyproject\.toml|setup\.(?:py|cfg)|requirements[\w.-]*\.txt|Pipfile(?:\.lock)?|poetry\.lock|uv\.lock|go\.(?:mod|sum)|Cargo\.(?:toml|lock)|Gemfile(?:\.lock)?|\.gitignore|\.env[\w.-]*|Makefile|CHANGELOG[\w.-]*|\.changeset\/[^/]+|\.eslintrc[\w.-]*|eslint\.config\.\w+|\.prettierrc[\w.-]*|(?:vite|vitest|jest|webpack|rollup|babel|next|nuxt|svelte|astro|tailwind|postcss)\.config\.\w+|Dockerfile|docker-compose\.ya?ml|compose\.ya?ml|\.tool-versions|\.nvmrc|\.python-version)$/i;

function commandPrograms(command: string): string[] {
  return command
    .split(/&&|\|\||;|\|/)
    .map((part) => {
      const words = part.trim().split(/\s+/);
      let i = 0;
      while (
        i < words.length &&
        (/^\w+=/.test(words[i]!) || words[i] === "sudo" || words[i] === "env")
      )
        i++;
      return words[i] ?? "";
    })
    .filter((word) => word !== "");
}

function dirOf(path: string): string {
  const at = path.replace(/\\/g, "/").lastIndexOf("/");
  return at > 0 ? path.slice(0, at) : "";
}

function actionWords(action: AgentAction): string[] {
  const words: string[] = [];
  if (
    action.kind === "command" ||
    action.kind === "web" ||
    action.kind === "search" ||
    action.kind === "other"
  )
    words.push(...wordsOf(action.target.slice(0, 300)));
  else words.push(...pathWords(action.target));
  if (action.added) words.push(...wordsOf(action.added.slice(0, 300)));
  return words;
}

function relevanceOf(
  action: AgentAction,
  terms: readonly string[],
  taskDirs: ReadonlySet<string>,
): Relevance {
  if (terms.length === 0) return "neutral";
  if (matchedTerms(terms, actionWords(action)).length > 0) return "task";
  switch (action.kind) {
    case "read":
    case "search":
    case "other":
      return "neutral"; // looking around is not drift
    case "edit": {
      if (NEUTRAL_FILE.test(action.target) || isTestPath(action.target)) return "neutral";
      const dir = dirOf(action.target);
      return dir !== "" && taskDirs.has(dir) ? "task" : "unrelated";
    }
    case "command": {
      const programs = commandPrograms(action.target);
      return programs.length > 0 && programs.every((p) => GENERIC_COMMAND.test(p))
        ? "neutral"
        : "unrelated";
    }
    case "web":
      return "unrelated";
  }
}

/** The actions of the input: the analysis's window, or (for sources that give none) this poll's calls and edits. */
function actionsOf(input: JudgeInput): AgentAction[] {
  const activity = input.activity;
  if (Array.isArray(activity.actions)) return activity.actions;
  return appendActions(undefined, activity.tool_calls, activity.edits ?? []);
}

/** The words the agent itself wrote (its messages and output, prompts and the user's echoed message left out). */
function ownWords(input: JudgeInput): string[] {
  const text: string[] = [];
  for (const raw of input.cleanedLines) {
    const line = raw.trim();
    if (/^(?:>|›|❯)\s/.test(line)) continue; // the user's message, echoed
    text.push(withoutPrompt(line));
  }
  return wordsOf(text.join("\n").slice(-8000));
}

function judgeWindow(actions: readonly DigestAction[], mentioned: boolean): DriftWindow {
  const judged = actions.filter(
    (a) => a.kind === "edit" || a.kind === "command" || a.kind === "web",
  );
  const serving = judged.filter((a) => a.serves === "task").length;
  const unrelated = judged.filter((a) => a.serves === "unrelated").length;
  let run = 0;
  const edits = new Set<string>();
  const targets = new Set<string>();
  for (let i = judged.length - 1; i >= 0; i--) {
    const action = judged[i]!;
    if (action.serves === "task") break;
    if (action.serves !== "unrelated") continue;
    run++;
    targets.add(action.target);
    if (action.kind === "edit") edits.add(action.target);
  }
  const share = serving + unrelated === 0 ? null : serving / (serving + unrelated);
  // The agent's own words naming the task make unrelated-looking work more likely to serve it.
  const need = mentioned ? 1 : 0;
  let verdict: DriftWindow["verdict"] = null;
  if (
    (edits.size >= 3 + need && run >= 3 && (share ?? 0) < 0.34) ||
    (run >= 6 + need && targets.size >= 4 && serving === 0)
  )
    verdict = "off_track";
  else if (
    (edits.size >= 2 + need && (run >= 3 || serving === 0)) ||
    (run >= 4 + need && targets.size >= 3)
  )
    verdict = "drifting";
  return {
    judged: judged.length,
    serving,
    unrelated,
    share,
    unrelatedRun: run,
    unrelatedEdits: [...edits],
    verdict,
  };
}

/**
 * Builds the digest of one judge input: the same facts go to the offline judge and, fenced as
 * data, to the model. Pure and bounded.
 */
export function buildDigest(input: JudgeInput): JudgeDigest {
  const terms = taskTerms(input.assignedTask);
  const actions = actionsOf(input);
  const taskDirs = new Set<string>();
  const relevance = actions.map((action) => {
    const serves = relevanceOf(action, terms, new Set());
    if (serves === "task" && action.kind !== "command") {
      const dir = dirOf(action.target);
      if (dir !== "") taskDirs.add(dir);
    }
    return serves;
  });
  const digestActions: DigestAction[] = actions.map((action, i) => ({
    kind: action.kind,
    tool: action.tool,
    target: truncate(oneLine(action.target), 160),
    serves: relevance[i] === "unrelated" ? relevanceOf(action, terms, taskDirs) : relevance[i]!,
    subverts: action.meaning?.evidence ?? null,
  }));
  const subversions: ActionMeaning[] = [];
  const seen = new Set<string>();
  const add = (meaning: ActionMeaning | null | undefined) => {
    if (!meaning || seen.has(meaning.evidence)) return;
    seen.add(meaning.evidence);
    subversions.push(meaning);
  };
  for (const action of actions) add(action.meaning);
  for (const edit of input.activity.edits ?? []) add(editMeaning(edit));
  const own = ownWords(input);
  const mentioned = matchedTerms(terms, own);
  const fromActions = matchedTerms(
    terms,
    actions.flatMap((a) => actionWords(a)),
  );
  return {
    taskTerms: terms,
    matchedTerms: terms.filter((t) => fromActions.includes(t) || mentioned.includes(t)),
    mentionedTerms: mentioned,
    actions: digestActions.slice(-DIGEST_ACTIONS),
    drift: judgeWindow(digestActions, mentioned.length > 0),
    subversions: subversions.slice(-5),
    loop: input.activity.loop,
    stalled: input.activity.stalled === true,
  };
}
