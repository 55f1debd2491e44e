import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/**
 * Whether `host` is a loopback address or name: `localhost`, `127.0.0.0/8`, `::1` (with or
 * without brackets) or an IPv4-mapped `::ffff:127.x.x.x`.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (bare === "localhost" || bare.endsWith(".localhost") || bare === "::1") return true;
  const v4 = bare.startsWith("::ffff:") ? bare.slice("::ffff:".length) : bare;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** The host name of a `Host` header (port and brackets removed), or undefined when unparseable. */
export function hostHeaderName(header: string | undefined): string | undefined {
  if (header === undefined || header === "") return undefined;
  try {
    return new URL(`http://${header}`).hostname;
  } catch {
    return undefined;
  }
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/**
 * Whether `given` equals `expected`, compared in constant time (both are hashed first, so neither
 * the content nor the length of the token leaks through timing).
 */
export function tokensMatch(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digest(expected), digest(given));
}

/** The token a request presents: `Authorization: Bearer <token>`, else the `token` query parameter. */
export function requestToken(request: IncomingMessage, url: URL): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match?.[1] !== undefined) return match[1];
  }
  return url.searchParams.get("token") ?? undefined;
}
