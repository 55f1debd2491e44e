/** What a redacted secret is replaced with in logs. */
export const REDACTED = "[redacted]";

/** Query parameter names whose values are credentials: `token`, `access_token`, `apiToken`… */
const TOKEN_NAME = /token/i;

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

function redactPair(pair: string, holdsToken: (text: string) => boolean): string {
  const eq = pair.indexOf("=");
  if (eq < 0) return holdsToken(pair) ? REDACTED : pair;
  const name = pair.slice(0, eq);
  if (holdsToken(name)) return REDACTED;
  const value = pair.slice(eq + 1);
  return TOKEN_NAME.test(decode(name)) || holdsToken(value) ? `${name}=${REDACTED}` : pair;
}

/**
 * A request target (or URL) fit for a log: the value of every query parameter whose name contains
 * `token` becomes `[redacted]`, and so do the user-info of an absolute URL and every path segment,
 * query parameter or fragment that holds the server's `token` (raw or percent-encoded). The rest is
 * kept as sent.
 */
export function redactUrl(target: string, token: string): string {
  let text = target.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, `$1${REDACTED}@`);
  const holdsToken = (piece: string) => token !== "" && decode(piece).includes(token);
  if (token !== "") {
    // A token that spans separators (it may hold `/`, `&`, `=`) is caught before splitting.
    for (const form of new Set([token, encodeURIComponent(token)])) {
      text = text.split(form).join(REDACTED);
    }
  }
  const hashAt = text.indexOf("#");
  const fragment = hashAt < 0 ? "" : text.slice(hashAt);
  const beforeFragment = hashAt < 0 ? text : text.slice(0, hashAt);
  const queryAt = beforeFragment.indexOf("?");
  const path = queryAt < 0 ? beforeFragment : beforeFragment.slice(0, queryAt);
  const query = queryAt < 0 ? undefined : beforeFragment.slice(queryAt + 1);
  return (
    path
      .split("/")
      .map((segment) => (holdsToken(segment) ? REDACTED : segment))
      .join("/") +
    (query === undefined
      ? ""
      : `?${query
          .split("&")
          .map((pair) => redactPair(pair, holdsToken))
          .join("&")}`) +
    (holdsToken(fragment) ? `#${REDACTED}` : fragment)
  );
}

/** `redactUrl` of a request's target, for a log field (undefined stays undefined). */
export function loggedUrl(target: string | undefined, token: string): string | undefined {
  return target === undefined ? undefined : redactUrl(target, token);
}
