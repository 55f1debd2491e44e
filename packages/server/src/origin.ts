/**
 * Whether a WebSocket upgrade's `Origin` is acceptable.
 *
 * - No `Origin` header: a non-browser client. Allowed: it already passed the token check (and
 *   without a token the server only listens on loopback and only answers loopback `Host` names).
 * - An origin whose `host[:port]` equals the request's `Host` header: the dashboard page served by
 *   this server. Allowed.
 * - An origin listed in `allowed` (normalised `scheme://host[:port]`). Allowed.
 * - Anything else, `null` included: refused.
 */
export function originAllowed(
  origin: string | undefined,
  hostHeader: string | undefined,
  allowed: ReadonlySet<string>,
): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  if (allowed.has(url.origin)) return true;
  if (hostHeader === undefined || hostHeader === "") return false;
  let host: string;
  try {
    host = new URL(`${url.protocol}//${hostHeader}`).host;
  } catch {
    return false;
  }
  return host === url.host;
}
