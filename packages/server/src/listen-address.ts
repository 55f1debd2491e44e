import type { LookupAddress } from "node:dns";
import { isIP } from "node:net";
import { isLoopbackAddress } from "./auth.js";
import { TokenRequiredError, listenFailure } from "./errors.js";
import type { HostLookup } from "./options.js";

/**
 * The `TokenRequiredError` for `host`, which resolved to (or was bound to) `beyond`, addresses
 * beyond loopback.
 */
export function tokenRequired(
  host: string,
  port: number,
  beyond: readonly string[],
  how: "resolves to" | "was bound to" = "resolves to",
): TokenRequiredError {
  const literal = how === "resolves to" && isIP(host) !== 0;
  const why = literal
    ? "beyond loopback every client must present one"
    : `${host} ${how} ${beyond.join(", ")}, beyond loopback, where every client must present one`;
  return new TokenRequiredError(
    `cannot listen on ${host}:${port} without a token: ${why}; set token in the config or AGENTWATCH_TOKEN (or --token), or listen on 127.0.0.1`,
    host,
  );
}

/**
 * The address `listen()` binds for `host`: the first one `lookup` resolves it to (what `listen()`
 * of `node:net` would bind for a name). Without a token, every address the host resolves to must
 * be loopback: a name is judged by its addresses, never by how it is spelled.
 *
 * @throws {TokenRequiredError} when `token` is empty and an address is beyond loopback.
 * @throws {ListenError} when the host does not resolve.
 */
export async function resolveListenAddress(
  host: string,
  port: number,
  token: string,
  lookup: HostLookup,
): Promise<string> {
  let addresses: readonly LookupAddress[];
  try {
    addresses = await lookup(host, { all: true });
  } catch (error) {
    throw listenFailure(error, host, port);
  }
  const first = addresses[0];
  if (first === undefined) {
    const error = Object.assign(new Error(`${host} resolves to no address`), { code: "ENOTFOUND" });
    throw listenFailure(error, host, port);
  }
  if (token === "") {
    const beyond = addresses.map((a) => a.address).filter((a) => !isLoopbackAddress(a));
    if (beyond.length > 0) throw tokenRequired(host, port, beyond);
  }
  return first.address;
}
