import type { RawData } from "ws";
import { type ErrorMessage, PROTOCOL_VERSION, type PongMessage } from "./messages.js";

function error(code: ErrorMessage["code"], message: string): ErrorMessage {
  return { v: PROTOCOL_VERSION, type: "error", code, message };
}

/**
 * The answer to one message from a client: `pong` for `{"v":1,"type":"ping"}`, an `error` for
 * anything else. Never throws.
 */
export function clientReply(
  data: RawData,
  isBinary: boolean,
  now: () => string,
): PongMessage | ErrorMessage {
  if (isBinary)
    return error("INVALID_MESSAGE", "binary messages are not understood; send JSON text");
  const bytes = Array.isArray(data)
    ? Buffer.concat(data)
    : data instanceof ArrayBuffer
      ? Buffer.from(data)
      : data;
  const text = bytes.toString("utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return error("INVALID_MESSAGE", 'not JSON; send {"v":1,"type":"ping"}');
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return error("INVALID_MESSAGE", 'expected a JSON object such as {"v":1,"type":"ping"}');
  }
  const { v, type } = parsed as { v?: unknown; type?: unknown };
  if (v !== PROTOCOL_VERSION) {
    return error(
      "UNSUPPORTED_VERSION",
      `unsupported protocol version ${JSON.stringify(v) ?? "undefined"}; this server speaks v${PROTOCOL_VERSION}`,
    );
  }
  if (type !== "ping") {
    return error(
      "UNKNOWN_MESSAGE",
      `unknown message type ${JSON.stringify(type) ?? "undefined"}; clients may only send ping`,
    );
  }
  return { v: PROTOCOL_VERSION, type: "pong", at: now() };
}
