import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4"); // also matches ::ffff:127.x.x.x, in either notation
LOOPBACK.addAddress("::1", "ipv6");

/**
 * Whether `address` is a loopback IP address: `127.0.0.0/8`, `::1`, or an IPv4-mapped
 * `::ffff:127.x.x.x` (dotted or hex, any IPv6 spelling). Names are not addresses: false.
 */
export function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  try {
    return LOOPBACK.check(address, family === 6 ? "ipv6" : "ipv4");
  } catch {
    return false; // an address the block list cannot parse (such as one with a zone id)
  }
}

/**
 * Whether `host`, as a `Host` header names it, is loopback: a loopback address (see
 * `isLoopbackAddress`, with or without brackets), `localhost` or a `*.localhost` name (browsers
 * resolve those to loopback themselves). For the `Host` check only: whether the server may listen
 * without a token is decided on the addresses a name resolves to, not on the name.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return bare === "localhost" || bare.endsWith(".localhost") || isLoopbackAddress(bare);
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
