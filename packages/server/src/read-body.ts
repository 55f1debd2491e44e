import type { IncomingMessage } from "node:http";
import type { HttpFailure } from "./http-util.js";

/**
 * Reads and discards a request body of at most `limit` bytes; resolves to the 413 to answer when
 * it is declared or turns out larger (the rest is left unread; answer with `Connection: close`).
 */
export function readBodyWithin(
  request: IncomingMessage,
  limit: number,
): Promise<HttpFailure | undefined> {
  const tooLarge: HttpFailure = {
    status: 413,
    code: "BODY_TOO_LARGE",
    message: `request body larger than ${limit} bytes; no endpoint takes a body`,
  };
  const declared = request.headers["content-length"];
  if (declared !== undefined && !(Number(declared) <= limit)) return Promise.resolve(tooLarge);
  if (
    request.complete ||
    (declared === undefined && request.headers["transfer-encoding"] === undefined)
  ) {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    let size = 0;
    const done = (result: HttpFailure | undefined) => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onEnd);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.pause();
        done(tooLarge);
      }
    };
    const onEnd = () => done(undefined);
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", onEnd);
  });
}
