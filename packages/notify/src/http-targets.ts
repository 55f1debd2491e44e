import { DeliveryError } from "./errors.js";
import type { TargetDriver } from "./delivery.js";
import { type Notification, escapeMarkup } from "./message.js";
import { describeTarget } from "./target-spec.js";

/** The `fetch` function the HTTP targets use; the global one by default. */
export type FetchLike = typeof fetch;

const USER_AGENT = "agentwatch-notify";

/** A URL's user and password become a Basic Authorization header (fetch refuses them in URLs). */
function splitCredentials(url: URL): { url: string; headers: Record<string, string> } {
  if (url.username === "" && url.password === "") return { url: url.href, headers: {} };
  const bare = new URL(url.href);
  bare.username = "";
  bare.password = "";
  const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return {
    url: bare.href,
    headers: { Authorization: `Basic ${Buffer.from(pair, "utf8").toString("base64")}` },
  };
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 300) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - Date.now()), 300_000);
}

function networkFailure(error: unknown, signal: AbortSignal): DeliveryError {
  if (signal.aborted && signal.reason instanceof DeliveryError) return signal.reason;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (error as Error).message;
  return new DeliveryError(`cannot connect: ${why}`, { retryable: true }, { cause: error });
}

/** POSTs `body` and classifies the answer: 2xx delivered, 429 and 5xx retryable, others not. */
async function post(
  fetchFn: FetchLike,
  target: URL,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<void> {
  const { url, headers: auth } = splitCredentials(target);
  let response: Response;
  try {
    response = await fetchFn(url, {
      method: "POST",
      headers: { "User-Agent": USER_AGENT, ...auth, ...headers },
      body,
      signal,
      redirect: "manual",
    });
  } catch (error) {
    throw networkFailure(error, signal);
  }
  // The answer's body is not wanted: release the connection.
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return;
  const status = `answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  if (response.status === 429 || response.status >= 500) {
    throw new DeliveryError(status, {
      retryable: true,
      retryAfterMs: retryAfterMs(response.headers.get("retry-after")),
    });
  }
  if (response.status >= 300 && response.status < 400) {
    throw new DeliveryError(`${status}: redirects are not followed; give the final URL`, {
      retryable: false,
    });
  }
  throw new DeliveryError(`${status}; check the URL and what the receiver expects`, {
    retryable: false,
  });
}

/**
 * The JSON body of a webhook: Slack-compatible `text` (with `&`, `<` and `>` escaped, so text from
 * an agent cannot mention `<!channel>`), and the notification itself as `agentwatch`.
 */
export function webhookBody(notification: Notification): string {
  return JSON.stringify({ text: escapeMarkup(notification.text), agentwatch: notification });
}

/** `webhook=URL`: a JSON POST of {@link webhookBody}. */
export function webhookDriver(url: URL, fetchFn: FetchLike): TargetDriver {
  return {
    kind: "webhook",
    label: describeTarget({ kind: "webhook", url }),
    send: (notification, signal) =>
      post(fetchFn, url, webhookBody(notification), { "Content-Type": "application/json" }, signal),
  };
}

/** A header value: as it is when printable ASCII, else RFC 2047 encoded (ntfy decodes it). */
export function headerValue(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  return `=?UTF-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;
}

/** The ntfy headers of a notification: its title, a priority, and tags that show as emoji. */
export function ntfyHeaders(notification: Notification): Record<string, string> {
  const reasons = [...new Set(notification.agents.map((agent) => agent.reason))];
  const turnEndOnly = reasons.length === 1 && reasons[0] === "turn_end";
  return {
    Title: headerValue(notification.title),
    Priority: notification.urgent ? "high" : turnEndOnly ? "low" : "default",
    Tags: [notification.urgent ? "warning" : "robot", ...reasons].join(","),
  };
}

/** `ntfy=URL`: an ntfy.sh-style POST of the text to the topic URL, with Title/Priority/Tags. */
export function ntfyDriver(url: URL, fetchFn: FetchLike): TargetDriver {
  return {
    kind: "ntfy",
    label: describeTarget({ kind: "ntfy", url }),
    send: (notification, signal) => {
      // The title is a header; a digest keeps its first line, the list of names.
      const body =
        notification.type === "agent"
          ? notification.text.split("\n").slice(1).join("\n")
          : notification.text;
      return post(
        fetchFn,
        url,
        body,
        { "Content-Type": "text/plain; charset=utf-8", ...ntfyHeaders(notification) },
        signal,
      );
    },
  };
}
