/** Short forms that name the same thing; either side matches the other. */
const SYNONYMS: readonly (readonly string[])[] = [
  ["auth", "authentication", "authorization", "authorisation", "authn", "authz"],
  ["db", "database", "databases"],
  ["config", "configuration", "cfg"],
  ["docs", "doc", "documentation", "readme"],
  ["repo", "repository"],
  ["deps", "dependency", "dependencies"],
  ["env", "environment"],
  ["js", "javascript"],
  ["ts", "typescript"],
  ["k8s", "kubernetes"],
  ["perf", "performance"],
  ["ui", "frontend"],
  ["api", "endpoint", "endpoints"],
  ["tests", "test", "spec", "specs"],
];

const SYNONYM_GROUP = new Map<string, number>();
SYNONYMS.forEach((group, index) => {
  for (const word of group) SYNONYM_GROUP.set(word, index);
});

/** A word reduced to a comparable form: lower case, a plural `s`/`ies` removed. */
export function normalizeWord(word: string): string {
  const lower = word.toLowerCase();
  if (SYNONYM_GROUP.has(lower)) return lower;
  if (lower.length > 4 && lower.endsWith("ies")) return `${lower.slice(0, -3)}y`;
  if (lower.length > 3 && lower.endsWith("s") && !lower.endsWith("ss") && !lower.endsWith("us"))
    return lower.slice(0, -1);
  return lower;
}

/**
 * Words that say nothing about what a task is about: English function words and the verbs and
 * nouns every task uses ("implement", "fix", "add", "feature").
 */
const STOP_WORDS = new Set(
  `a about above after again all also an and any are as at be been before being below between both
  but by can could did do does doing done each either else etc every few for from further get got
  had has have having he her here his how i if in into is it its itself just let like make makes
  making may me more most must my need needs new no nor not now of off on once only onto or other
  our out over own please same she should so some such than that the their them then there these
  they this those through to too under until up upon us use used uses using very via was we were
  what when where which while who whom why will with within without would yet you your
  add adding added implement implementing implemented implementation fix fixing fixed fixes create
  creating created update updating updated write writing written change changing changed improve
  improving improved ensure ensuring support supporting handle handling build building built
  refactor refactoring feature features task tasks work working code bug bugs issue issues
  problem problems thing things way ways stuff correct correctly properly proper sure run runs
  running against across along around because since though instead whether done finish finished
  complete completed make sure also one two three first second last next file files folder
  directory directories project repo repository please thanks thank`
    .split(/\s+/)
    .filter((word) => word !== "")
    .flatMap((word) => [word, normalizeWord(word)]),
);

/**
 * The words of a text, path or command: split on anything that is not a letter or digit, on
 * camelCase and PascalCase boundaries (`applyDiscount` → apply, discount) and on letter–digit
 * boundaries, normalised by `normalizeWord`. `src/auth/jwt.ts` gives src, auth, jwt, ts.
 */
export function wordsOf(text: string): string[] {
  const words: string[] = [];
  for (const chunk of text.split(/[^\p{L}\p{N}]+/u)) {
    if (chunk === "") continue;
    const parts = chunk
      .replace(/(\p{Ll})(\p{Lu})/gu, "$1 $2")
      .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, "$1 $2")
      .replace(/(\p{L})(\p{N})/gu, "$1 $2")
      .replace(/(\p{N})(\p{L})/gu, "$1 $2")
      .split(" ");
    for (const part of parts) if (part !== "") words.push(normalizeWord(part));
  }
  return words;
}

/** File extensions: a word of a path, never a term of what a task is about. */
export const EXTENSIONS: ReadonlySet<string> = new Set(
  `ts tsx js jsx mjs cjs mts cts py pyi go rs rb java kt kts scala c h cc cpp hpp cs fs swift m mm
  php pl lua r jl ex exs erl hs ml dart vue svelte astro md mdx rst txt json jsonc yml yaml toml ini
  cfg conf lock sh bash zsh fish ps1 bat sql html htm css scss sass less xml svg png jpg gif env
  gradle mod sum tf hcl proto graphql gql ipynb csv log diff patch`
    .split(/\s+/)
    .filter((word) => word !== ""),
);

/** `parser.py` → `parser`, `src/app.test.ts` → `src/app.test`: a file name without its extension. */
export function stripExtensions(text: string): string {
  return text.replace(/([\w-])\.([A-Za-z0-9]{1,6})\b/g, (whole, before: string, ext: string) =>
    EXTENSIONS.has(ext.toLowerCase()) ? before : whole,
  );
}

/** Shell prompts (`user@host:~/proj (main)$`), branch names in prompts, and paths' leading parts. */
const PROMPT_PREFIX =
  /^(?:\([\w.@-]+\) )?(?:[\w.-]+@[\w.-]+(?::[^\s$#]*)?(?: [^\s$#%]+)?(?: \([^)]*\))? ?[$#%]|➜ +\S+(?: git:\([^)]*\))?(?: ✗)?|PS [A-Za-z]:\\[^>]*>|\$) ?/;

/** A line of output without the shell prompt in front of it (its user, host, path and branch are noise). */
export function withoutPrompt(line: string): string {
  return line.replace(PROMPT_PREFIX, "");
}

/**
 * The words of a path that say what it is about: its last three parts, without the extension
 * (`/home/dana/shop/src/auth/jwt.ts` → src, auth, jwt: the checkout's own name is no evidence).
 */
export function pathWords(path: string): string[] {
  const parts = path
    .replace(/\\/g, "/")
    .split("/")
    .filter((p) => p !== "" && p !== ".");
  return wordsOf(stripExtensions(parts.slice(-3).join("/"))).filter((w) => !EXTENSIONS.has(w));
}

/**
 * The terms of an assigned task that evidence can match: its words minus stop words, pure
 * numbers, single letters and file extensions of the file names it mentions (`parser.py` gives
 * parser, not py), without repeats, in order. "Implement JWT authentication" gives jwt,
 * authentication.
 */
export function taskTerms(task: string | null | undefined): string[] {
  if (!task) return [];
  const seen = new Set<string>();
  for (const word of wordsOf(stripExtensions(withoutPrompt(task.trim())))) {
    if (word.length < 2 || /^\p{N}+$/u.test(word) || STOP_WORDS.has(word)) continue;
    seen.add(word);
  }
  return [...seen];
}

/**
 * Whether a task term and an evidence word name the same thing: equal, synonyms (auth and
 * authentication, db and database), or one a prefix of the other of at least 4 letters (test and
 * testing, auth and authorize).
 */
export function termMatches(term: string, word: string): boolean {
  if (term === word) return true;
  const group = SYNONYM_GROUP.get(term);
  if (group !== undefined && group === SYNONYM_GROUP.get(word)) return true;
  const [short, long] = term.length <= word.length ? [term, word] : [word, term];
  return short.length >= 4 && long.startsWith(short);
}

/** The task terms that at least one of `words` matches, in task order. */
export function matchedTerms(terms: readonly string[], words: Iterable<string>): string[] {
  const pool = new Set(words);
  return terms.filter((term) => {
    if (pool.has(term)) return true;
    for (const word of pool) if (termMatches(term, word)) return true;
    return false;
  });
}
