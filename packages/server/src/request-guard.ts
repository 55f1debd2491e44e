import type { IncomingMessage } from "node:http";
import { hostHeaderName, isLoopbackHost, requestToken, tokensMatch } from "./auth.js";
import { type HttpFailure, unauthorized } from "./http-util.js";

/** What every request is checked against. */
export interface GuardSettings {
  /** The token clients must present; empty for none. */
  readonly token: string;
  readonly maxUrlBytes: number;
  /**
   * `Host` names served without a token besides the loopback ones: the configured host, as
   * `hostHeaderName` reads it (the server only listens without a token when it resolves to loopback).
   */
  readonly hostNames: ReadonlySet<string>;
}

/** The request target as a URL, or the 414/400 to answer. */
export function requestUrl(request: IncomingMessage, settings: GuardSettings): URL | HttpFailure {
  const target = request.url ?? "/";
  if (Buffer.byteLength(target) > settings.maxUrlBytes) {
    return {
      status: 414,
      code: "URL_TOO_LONG",
      message: `request target longer than ${settings.maxUrlBytes} bytes`,
    };
  }
  try {
    return new URL(target, "http://agentwatch.invalid");
  } catch {
    return { status: 400, code: "NOT_FOUND", message: "unparseable request target" };
  }
}

/**
 * Without a token the server listens on loopback only, and answers only requests whose `Host`
 * names loopback or the configured host: a page of another site that rebinds its name to
 * 127.0.0.1 gets a 403.
 */
export function checkHost(
  request: IncomingMessage,
  settings: GuardSettings,
): HttpFailure | undefined {
  if (settings.token !== "") return undefined;
  const name = hostHeaderName(request.headers.host);
  if (name !== undefined && (isLoopbackHost(name) || settings.hostNames.has(name))) {
    return undefined;
  }
  return {
    status: 403,
    code: "HOST_NOT_ALLOWED",
    message: `Host ${JSON.stringify(request.headers.host ?? "")} refused: without a token only 127.0.0.1, localhost, [::1] and the configured server_host are served; use one of them or configure a token`,
  };
}

/** The 401 to answer when a token is configured and the request does not present it. */
export function checkToken(
  request: IncomingMessage,
  url: URL,
  settings: GuardSettings,
  where: string,
): HttpFailure | undefined {
  if (settings.token === "") return undefined;
  return tokensMatch(settings.token, requestToken(request, url)) ? undefined : unauthorized(where);
}
