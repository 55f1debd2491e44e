import type { Summary } from "./protocol.js";
import type { Endpoints } from "./urls.js";

/**
 * An agent's summaries, newest first, from `GET /api/summaries/:id/history`.
 *
 * @throws {Error} with the server's error message when the answer is not 200.
 */
export async function fetchHistory(
  endpoints: Endpoints,
  id: string,
  limit: number,
): Promise<Summary[]> {
  const url = endpoints.api(`api/summaries/${encodeURIComponent(id)}/history`, {
    limit: String(limit),
  });
  const response = await fetch(url, { headers: endpoints.headers, cache: "no-store" });
  const body = (await response.json().catch(() => null)) as {
    summaries?: Summary[];
    error?: { message?: string };
  } | null;
  if (!response.ok) {
    throw new Error(body?.error?.message ?? `history of ${id}: HTTP ${response.status}`);
  }
  return body?.summaries ?? [];
}

/** Runs `task` for every item, at most `limit` at a time; failures are ignored. */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item).catch(() => {});
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
