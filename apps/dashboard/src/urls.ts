/** Where the dashboard talks to: the API and WebSocket URLs, with the token of the page URL. */
export interface Endpoints {
  /** The token from `?token=` of the page, or null. */
  readonly token: string | null;
  /** The WebSocket URL of live summaries. */
  readonly ws: string;
  /** The URL of an API path such as `api/summaries` (relative to the page). */
  api(path: string, params?: Record<string, string>): string;
  /** Headers for API calls (the token as a bearer token). */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The endpoints of a page at `pageUrl`, relative to it (so a dashboard served under a path
 * prefix works). The token goes in the WebSocket URL (browsers cannot set its headers) and in an
 * `Authorization` header on API calls.
 */
export function endpoints(pageUrl: string): Endpoints {
  const page = new URL(pageUrl);
  const token = page.searchParams.get("token");
  const ws = new URL("ws/agent_summaries", page);
  ws.protocol = page.protocol === "https:" ? "wss:" : "ws:";
  ws.search = "";
  ws.hash = "";
  if (token !== null) ws.searchParams.set("token", token);
  return {
    token,
    ws: ws.toString(),
    headers: token === null ? {} : { Authorization: `Bearer ${token}` },
    api(path, params = {}) {
      const url = new URL(path, page);
      url.search = "";
      url.hash = "";
      for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
      return url.toString();
    },
  };
}
