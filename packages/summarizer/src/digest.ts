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

/** Unrelated edits and commands in a row that are off track even after task work in the window. */
const OFF_TRACK_RUN = 10;

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

/** How a file an action changes relates to the task: manifests, configs and tests are neutral; a file beside the task's files serves it. */
function fileRelevance(path: string, taskDirs: ReadonlySet<string>): Relevance {
  if (NEUTRAL_FILE.test(path) || isTestPath(path)) return "neutral";
  const dir = dirOf(path);
  return dir !== "" && taskDirs.has(dir) ? "task" : "unrelated";
}

/** Output a command saves for itself (`> /tmp/out.txt`, `| tee build.log`): no change to the project. */
const SCRATCH_FILE = /^(?:\/tmp\/|\/var\/tmp\/|\$TMPDIR)|\.(?:log|out|txt|tmp)$/;

/** Task words that ask for dependency work (`bump`, `upgrade`, `dependencies`). */
const DEPENDENCY_TASK =
  /^(?:dep|deps|dependency|dependencies|upgrade|bump|version|install|package|lib|library|librarie|vulnerability|cve|audit|renovate|dependabot)$/;

function asksForDependencies(terms: readonly string[]): boolean {
  return terms.some((term) => DEPENDENCY_TASK.test(term));
}

/** Package managers' commands that add, upgrade or remove named packages. */
const INSTALL_COMMANDS: Readonly<Record<string, readonly string[]>> = {
  npm: ["install", "i", "add", "update", "up", "upgrade", "uninstall", "remove", "rm"],
  pnpm: ["add", "install", "i", "update", "up", "upgrade", "remove", "rm"],
  yarn: ["add", "upgrade", "up", "remove"],
  bun: ["add", "install", "i", "update", "remove"],
  pip: ["install", "uninstall"],
  pip3: ["install", "uninstall"],
  poetry: ["add", "update", "remove"],
  uv: ["add", "remove", "pip"],
  cargo: ["add", "update", "upgrade", "remove"],
  go: ["get"],
  gem: ["install", "update"],
  bundle: ["add", "update"],
  composer: ["require", "update", "remove"],
};

/**
 * The packages a command adds, upgrades or removes by name (`npm install lodash@4.17.21`,
 * `pip install -U requests`, `go get example.com/x@v1.2.0`). A bare `npm install` or `npm ci`
 * installs what the project already asks for: none.
 */
export function dependencyChanges(command: string): string[] {
  const names: string[] = [];
  for (const part of command.slice(0, 2000).split(/&&|\|\||;|\|/)) {
    const words = part.trim().split(/\s+/);
    let i = 0;
    while (
      i < words.length &&
      (/^\w+=/.test(words[i]!) || /^(?:sudo|env|python3?|-m)$/.test(words[i]!))
    )
      i++;
    const program = words[i];
    const subs = program === undefined ? undefined : INSTALL_COMMANDS[program];
    if (subs === undefined || !subs.includes(words[i + 1] ?? "")) continue;
    let args = words.slice(i + 2);
    if (program === "uv" && words[i + 1] === "pip") args = args.slice(1);
    for (const word of args) {
      if (
        word.startsWith("-") ||
        word === "." ||
        /^-r$/.test(word) ||
        /\.(?:txt|toml|json|lock)$/.test(word)
      )
        continue;
      names.push(word.replace(/^(@?[^@=<>~!]+).*$/, "$1"));
    }
  }
  return names;
}

/** A dependency line with its version: `"lodash": "^4.17.21"`, `requests = "2.31"`, `django==4.2`, `github.com/x/y v1.2.0`. */
const DEPENDENCY_VERSION =
  /^\s*["']?(@?[\w./-]+)["']?\s*(?:[:=]\s*["']?[\^~>=<]*|==|>=|~=|\s+v)\s*(\d+(?:\.\d+)*[\w.-]*)/;

/** The dependencies a manifest edit moves to another version (in its removed and its added text). */
export function versionBumps(action: Pick<AgentAction, "removed" | "added">): string[] {
  const before = new Map<string, string>();
  for (const line of (action.removed ?? "").split("\n")) {
    const m = DEPENDENCY_VERSION.exec(line);
    if (m) before.set(m[1]!, m[2]!);
  }
  const bumped: string[] = [];
  for (const line of (action.added ?? "").split("\n")) {
    const m = DEPENDENCY_VERSION.exec(line);
    if (m && before.has(m[1]!) && before.get(m[1]!) !== m[2] && m[1] !== "version")
      bumped.push(m[1]!);
  }
  return bumped;
}

/**
 * The files a shell command writes: `sed -i … FILE`, `> FILE`, `>> FILE`, `tee FILE`, and
 * `git config --global` (the user's `~/.gitconfig`). A shell-driven agent edits files this way.
 */
export function writtenPaths(command: string): string[] {
  const paths = new Set<string>();
  const text = command.slice(0, 2000);
  for (const part of text.split(/&&|\|\||;|\|/)) {
    const words = part
      .trim()
      .split(/\s+/)
      .filter((w) => w !== "");
    let i = 0;
    while (i < words.length && (/^\w+=/.test(words[i]!) || words[i] === "sudo")) i++;
    const program = words[i];
    if (program === "sed" && words.slice(i + 1).some((w) => /^-[a-zA-Z]*i|^--in-place/.test(w))) {
      const last = words.at(-1);
      if (last !== undefined && !last.startsWith("-") && !/^['"]/.test(last)) paths.add(last);
    } else if (program === "tee") {
      for (const w of words.slice(i + 1)) if (!w.startsWith("-")) paths.add(w);
    } else if (program === "git" && words[i + 1] === "config" && words.includes("--global")) {
      paths.add("~/.gitconfig");
    }
  }
  for (const m of text.matchAll(/(?:^|[^<>&\d])>>?\s*([^\s;&|<>]+)/g)) {
    const target = m[1]!.replace(/^["']|["']$/g, "");
    if (target !== "" && !/^(?:&\d|\/dev\/(?:null|stdout|stderr|tty))$/.test(target))
      paths.add(target);
  }
  return [...paths];
}

/**
 * Keywords and names every program is full of (`import`, `return`, `self`, `console`): in an
 * edit's text they say nothing about its subject, so a task to "add CSV import" is not served
 * by every Python edit that adds an `import` line.
 */
const CODE_WORDS = new Set(
  `import imports from export exports default require include using package module return def
  class function func fn const let var async await new if else elif for while try catch except
  finally raise throw throws public private protected static void int str string bool boolean
  self this true false null none nil undefined type interface struct enum impl pub mut use as
  with yield lambda pass break continue case switch println printf print console`
    .split(/\s+/)
    .filter((word) => word !== ""),
);

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
  if (action.added)
    words.push(...wordsOf(action.added.slice(0, 300)).filter((w) => !CODE_WORDS.has(w)));
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
      if (NEUTRAL_FILE.test(action.target) && versionBumps(action).length > 0)
        return asksForDependencies(terms) ? "neutral" : "unrelated";
      return fileRelevance(action.target, taskDirs);
    }
    case "command": {
      if (dependencyChanges(action.target).length > 0)
        return asksForDependencies(terms) ? "neutral" : "unrelated";
      const written = writtenPaths(action.target);
      if (written.length > 0) {
        const each = written.map((path) =>
          SCRATCH_FILE.test(path) ? "neutral" : fileRelevance(path, taskDirs),
        );
        return each.includes("unrelated")
          ? "unrelated"
          : each.includes("task")
            ? "task"
            : "neutral";
      }
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
  return appendActions(undefined, activity.tool_calls, activity.edits ?? [], failureContext(input));
}

/**
 * What the failures seen say (the errors and the last test summary), so an edit given by a
 * structured source that sets an expected value to the actual one is recognised as such.
 */
function failureContext(input: JudgeInput): { failureText: string } {
  const activity = input.activity;
  const text = [...activity.errors.map((e) => e.text), activity.tests?.raw ?? ""]
    .filter((t) => t !== "")
    .join("\n");
  return { failureText: text.slice(-4000) };
}

/**
 * A line that shows an action rather than the agent's words: a tool call (`⏺ Update(a.ts)`,
 * `✔ Edit a.ts`, `• Ran npm test`, `• Edited a.ts`), a tool's result (`⎿ …`, `└ …`), a diff line
 * (`12 +  x`), a command typed at a shell prompt. Actions are judged as actions already.
 */
const ACTION_LINE =
  /^(?:[⎿└├│]|(?:[⏺●]\s*)?[A-Z][\w.-]*(?: [A-Z][\w.-]*)?\(|[✔✓✗✕⊷]\s|•\s+(?:Ran|Running|Edited|Added|Deleted|Updated|Read|Explored|Exploring|Search|Searched|List|Listed|Called|Calling)\b|\d+\s+[-+]\s|Applied edit to\s|<{7}|>{7}|={7})/;

/** Lines of the agent's own words that count: the most recent ones. */
const OWN_WORDS_LINES = 20;

/** The words the agent itself wrote lately (its messages, not its actions; prompts and the user's echoed message left out). */
function ownWords(input: JudgeInput): string[] {
  const text: string[] = [];
  for (const raw of input.cleanedLines) {
    const line = raw.trim();
    if (/^(?:>|›|❯)\s/.test(line)) continue; // the user's message, echoed
    if (ACTION_LINE.test(line)) continue;
    const bare = withoutPrompt(line);
    if (bare !== line && bare.trim() !== "") continue; // a command typed at a shell prompt
    text.push(bare);
  }
  // What it says now: words of the task far back (its plan, before it wandered) explain nothing.
  return wordsOf(text.slice(-OWN_WORDS_LINES).join("\n").slice(-8000));
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
    else if (action.kind === "command")
      for (const path of writtenPaths(action.target)) if (!SCRATCH_FILE.test(path)) edits.add(path);
  }
  const share = serving + unrelated === 0 ? null : serving / (serving + unrelated);
  // The agent's own words naming the task make unrelated-looking work more likely to serve it.
  const need = mentioned ? 1 : 0;
  // Off track: nothing in the window serves the task any more (or a very long run does not), a
  // significant misalignment. Drifting: the agent did serve its task in the window and has
  // wandered from it since, a deviation it may still come back from.
  let verdict: DriftWindow["verdict"] = null;
  if (
    (serving === 0 && edits.size >= 3 + need && run >= 3) ||
    (run >= 6 + need && targets.size >= 4 && serving === 0) ||
    (run >= OFF_TRACK_RUN && edits.size >= 3)
  )
    verdict = "off_track";
  else if (
    (edits.size >= 3 + need && run >= 3 && (share ?? 0) < 0.34) ||
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
  const context = failureContext(input);
  for (const edit of input.activity.edits ?? []) add(editMeaning(edit, context));
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
