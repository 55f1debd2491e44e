import type { ActivityLoop, ErrorCount } from "./activity-analysis.js";
import type { ErrorSighting } from "./carry.js";
import { errorKey, isGenericError, isNpmErrorLine } from "./error-line.js";

/** Meaningful lines an error sighting counts for. */
export const ERROR_WINDOW_LINES = 500;
/** Sightings of one error in the window, with no progress between, that make a loop. */
export const ERROR_LOOP_COUNT = 3;
/** Sightings of a generic error (`Error: Exit code 1`) that make a loop when nothing specific repeats. */
export const GENERIC_ERROR_LOOP_COUNT = 5;
/** Distinct errors listed. */
export const MAX_ERRORS = 20;
/** Most error sightings kept. */
export const MAX_ERROR_SIGHTINGS = 200;
/** Lines of one `npm ERR!` block that count as errors (the code and the message; the rest is detail). */
const NPM_BLOCK_ERRORS = 2;

/**
 * The errors seen in the last `ERROR_WINDOW_LINES` meaningful lines (a window that spans calls),
 * grouped by their normalised text, and the error loop they show if any.
 */
export class ErrorWindow {
  private readonly sightings: ErrorSighting[];

  constructor(
    sightings: readonly ErrorSighting[],
    private npmBlock: number,
    private progressSeq = 0,
  ) {
    this.sightings = [...sightings];
  }

  /**
   * Marks progress at line `seq`: a success (tests passing, a build that succeeded) or a change
   * (an edit). Errors seen before it no longer count towards a loop.
   */
  progress(seq: number): void {
    if (seq > this.progressSeq) this.progressSeq = seq;
  }

  /** Takes the error text of meaningful line `seq` (null when the line is no error). */
  line(error: string | null, body: string, seq: number): void {
    if (error === null) {
      if (!body.startsWith("npm ")) this.npmBlock = 0;
      return;
    }
    if (isNpmErrorLine(error)) {
      if (this.npmBlock++ >= NPM_BLOCK_ERRORS) return;
    } else this.npmBlock = 0;
    this.sightings.push({ key: errorKey(error), text: error, seq });
    if (this.sightings.length > MAX_ERROR_SIGHTINGS * 2)
      this.sightings.splice(0, this.sightings.length - MAX_ERROR_SIGHTINGS);
  }

  /**
   * Distinct errors in the window, oldest first (by latest sighting), and the loop: the most
   * repeated specific error (a generic `Error: Exit code 1` only when nothing more specific
   * repeats as often), the earliest seen on a tie.
   */
  summary(seq: number): { errors: ErrorCount[]; loop: ActivityLoop | null } {
    const since = seq - ERROR_WINDOW_LINES;
    const groups = new Map<
      string,
      { text: string; count: number; first: number; last: number; since: number }
    >();
    const fresh = (s: ErrorSighting) => (s.seq > this.progressSeq ? 1 : 0);
    for (const s of this.sightings) {
      if (s.seq <= since) continue;
      const group = groups.get(s.key);
      if (group) {
        group.count++;
        group.since += fresh(s);
        group.text = s.text;
        group.last = s.seq;
      } else
        groups.set(s.key, { text: s.text, count: 1, first: s.seq, last: s.seq, since: fresh(s) });
    }
    const ordered = [...groups.values()].sort((a, b) => a.last - b.last);
    let worst: (typeof ordered)[number] | null = null;
    let worstGeneric = true;
    for (const g of ordered) {
      const generic = isGenericError(g.text);
      // Only sightings since the last progress count: a success or a change clears a loop.
      if (g.since < (generic ? GENERIC_ERROR_LOOP_COUNT : ERROR_LOOP_COUNT)) continue;
      const better =
        !worst ||
        (worstGeneric && !generic) ||
        (worstGeneric === generic &&
          (g.since > worst.since || (g.since === worst.since && g.first < worst.first)));
      if (better) {
        worst = g;
        worstGeneric = generic;
      }
    }
    return {
      errors: ordered.slice(-MAX_ERRORS).map((g) => ({ text: g.text, count: g.count })),
      loop: worst ? { kind: "error", what: worst.text, count: worst.since } : null,
    };
  }

  /** The sightings still in the window, and the npm block position, to carry. */
  carry(seq: number): { sightings: ErrorSighting[]; npmBlock: number; progressSeq: number } {
    const since = seq - ERROR_WINDOW_LINES;
    return {
      sightings: this.sightings.filter((s) => s.seq > since).slice(-MAX_ERROR_SIGHTINGS),
      npmBlock: this.npmBlock,
      progressSeq: this.progressSeq,
    };
  }
}
