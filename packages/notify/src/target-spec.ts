import { NotifyError } from "./errors.js";

/** The kinds of notification target. */
export type TargetKind = "bell" | "desktop" | "webhook" | "ntfy" | "command";

/** A notification target, as read from its spec string. */
export type TargetSpec =
  | { readonly kind: "bell" }
  | { readonly kind: "desktop" }
  | { readonly kind: "webhook"; readonly url: URL }
  | { readonly kind: "ntfy"; readonly url: URL }
  | { readonly kind: "command"; readonly command: string };

/** The spec forms `parseTargetSpec` accepts, for messages and help. */
export const TARGET_FORMS = "bell, desktop, webhook=URL, ntfy=URL, command=CMD";

const KINDS: readonly TargetKind[] = ["bell", "desktop", "webhook", "ntfy", "command"];

function invalid(spec: string, why: string): NotifyError {
  return new NotifyError(
    `invalid notification target ${JSON.stringify(spec)}: ${why}; accepted forms: ${TARGET_FORMS}`,
    "NOTIFY_INVALID_TARGET",
  );
}

function httpUrl(spec: string, kind: "webhook" | "ntfy", value: string): URL {
  const example =
    kind === "webhook" ? "webhook=https://hooks.example.com/…" : "ntfy=https://ntfy.sh/my-topic";
  if (value.trim() === "") throw invalid(spec, `${kind} needs a URL after "=", as in ${example}`);
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw invalid(
      spec,
      `${JSON.stringify(value)} is not a URL; write it in full, as in ${example}`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalid(
      spec,
      `${kind} takes an http:// or https:// URL, got a ${url.protocol.replace(/:$/, "")}: URL`,
    );
  }
  return url;
}

/**
 * Reads one target spec: `bell`, `desktop`, `webhook=URL`, `ntfy=URL` or `command=CMD` (the
 * command is run by `/bin/sh -c`, so it is written as in a shell).
 *
 * @throws {NotifyError} `NOTIFY_INVALID_TARGET` naming the bad value and the accepted forms: an
 *   unknown kind, a missing or non-http(s) URL, an empty command, a value after `bell` or `desktop`.
 * @example
 * parseTargetSpec("webhook=https://hooks.slack.com/services/T0/B0/x"); // { kind: "webhook", url }
 */
export function parseTargetSpec(spec: string): TargetSpec {
  const equals = spec.indexOf("=");
  const kind = (equals === -1 ? spec : spec.slice(0, equals)).trim().toLowerCase();
  const value = equals === -1 ? undefined : spec.slice(equals + 1);
  switch (kind) {
    case "bell":
    case "desktop":
      if (value !== undefined) throw invalid(spec, `${kind} takes no value; write just "${kind}"`);
      return { kind };
    case "webhook":
    case "ntfy":
      return { kind, url: httpUrl(spec, kind, value ?? "") };
    case "command":
      if (value === undefined || value.trim() === "") {
        throw invalid(spec, 'command needs a shell command after "=", as in command=./notify.sh');
      }
      if (value.includes("\0")) throw invalid(spec, "the command contains a NUL character");
      return { kind, command: value };
  }
  if (kind === "") throw invalid(spec, "it is empty");
  if (/^https?:\/\//i.test(spec.trim())) {
    throw invalid(
      spec,
      `a URL needs its kind in front: webhook=${spec.trim()} or ntfy=${spec.trim()}`,
    );
  }
  throw invalid(spec, `unknown kind ${JSON.stringify(kind)} (known: ${KINDS.join(", ")})`);
}

/**
 * A target as logs and metrics name it, without secrets: a URL is shown as its origin and `/…`
 * (webhook paths and ntfy topics are often the only password), a command by its first word.
 */
export function describeTarget(target: TargetSpec): string {
  switch (target.kind) {
    case "bell":
    case "desktop":
      return target.kind;
    case "webhook":
    case "ntfy": {
      const rest = target.url.pathname === "/" && target.url.search === "" ? "/" : "/…";
      return `${target.kind}=${target.url.protocol}//${target.url.host}${rest}`;
    }
    case "command": {
      const first = target.command.trim().split(/\s+/)[0] ?? "";
      return `command=${first}${target.command.trim() === first ? "" : " …"}`;
    }
  }
}
