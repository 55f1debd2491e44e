/** A question word that opens a sentence asking its reader (`Should I …?`, `Which do you prefer?`). */
const QUESTION =
  /^(?:should|shall|would|do|does|did|can|could|may|which|what|how|where|who|want|is|are|will|or|any)\b/i;
/** A clause inside the sentence that opens a question (`…, or would you rather …?`). */
const QUESTION_CLAUSE =
  /(?:[,)—–]|\s-)\s+(?:should|shall|would|do|can|could|which|what|or|want)\b[^?]{0,300}\?$/i;
/** A sentence that asks its reader: it speaks to them (you) or of what the agent would do (I, me, we). */
const ADDRESSED = /\b(?:you|your|I|me|we|us)\b/;
/** A question that, even followed by a remark, still asks the reader to decide. */
const DIRECT_ASK =
  /\b(?:you|your)\b|^(?:should|shall|can|may) (?:I|we)\b|^(?:want|ok(?:ay)?|fine) (?:me|if I)\b/i;
/** Closing courtesies that ask nothing that blocks the task. */
const COURTESY =
  /\b(?:anything else|any other (?:questions|changes)|further questions|let me know|help with (?:anything|something) else|next\?$)/i;
/** Markdown and quotes that may close a question (`**Postgres**?**`, `"…?"`). */
const CLOSING = /["'”’)*_`\]]+$/;
/** The longest remark after a question that still leaves the question as the turn's ask. */
const TRAILING_REMARK_CHARS = 160;
/** A sentence's end: `.`, `!`, `?`, `:` or `;` followed by a space (not `3.9`, `dates.py`, `e.g.x`). */
const SENTENCE_END = /[.!?:;](?=\s)|\n(?=\s*(?:[-*•⏺●]\s|\d{1,2}[.)]\s|[A-Z][a-z]*\b))/g;

/** The message's sentences, in order; a line that starts with a bullet or a capital starts one. */
function sentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const match of text.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length;
    const sentence = text.slice(start, end).replace(/\s+/g, " ").trim();
    if (sentence) out.push(sentence);
    start = end;
  }
  const rest = text.slice(start).replace(/\s+/g, " ").trim();
  if (rest) out.push(rest);
  return out.map((s) => s.replace(/^(?:[-*•⏺●]|\d{1,2}[.)])\s+/, ""));
}

/** Whether one sentence ending in `?` asks its reader to decide something. */
function asks(sentence: string): boolean {
  if (!sentence.endsWith("?") || COURTESY.test(sentence)) return false;
  return QUESTION.test(sentence) || QUESTION_CLAUSE.test(sentence) || ADDRESSED.test(sentence);
}

/**
 * The question an agent's message ends with, when it asks its reader to decide something:
 * "Should I also drop Python 3.9?", "Which database do you prefer?", also when one short remark
 * follows a question put to the reader ("Want me to keep /v1 as an alias? Clients still call it.").
 * Null for a statement, a rhetorical question answered after it, or a courtesy ("Anything
 * else?"). `message` is the message's text, its lines separated by `\n`; sentences end at
 * `.`/`!`/`?` followed by a space (so `3.9` and `dates.py` do not split one) and at a line that
 * starts with a bullet or a capital.
 *
 * @example
 * questionToReader("Removed 3.8.\nShould I drop 3.9 as well?"); // "Should I drop 3.9 as well?"
 * questionToReader("Done. Anything else?"); // null
 */
export function questionToReader(message: string): string | null {
  const said = sentences(message).map((s) => s.replace(CLOSING, ""));
  const last = said.at(-1);
  if (last === undefined || COURTESY.test(last)) return null;
  if (asks(last)) return last;
  if (last.endsWith("?") || last.length > TRAILING_REMARK_CHARS) return null;
  const before = said.at(-2);
  return before !== undefined && asks(before) && DIRECT_ASK.test(before) ? before : null;
}
