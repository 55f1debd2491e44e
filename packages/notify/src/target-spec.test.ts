import { describe, expect, it } from "vitest";
import { NotifyError, TARGET_FORMS, describeTarget, parseTargetSpec } from "./index.js";

describe("parseTargetSpec", () => {
  it("reads every kind", () => {
    expect(parseTargetSpec("bell")).toEqual({ kind: "bell" });
    expect(parseTargetSpec("desktop")).toEqual({ kind: "desktop" });
    const webhook = parseTargetSpec("webhook=https://hooks.example.com/a?b=c");
    expect(webhook).toMatchObject({ kind: "webhook" });
    expect(webhook.kind === "webhook" && webhook.url.href).toBe("https://hooks.example.com/a?b=c");
    const ntfy = parseTargetSpec("ntfy=http://127.0.0.1:8080/agents");
    expect(ntfy.kind === "ntfy" && ntfy.url.href).toBe("http://127.0.0.1:8080/agents");
    // Everything after the first "=" is the command, "=" and quotes included.
    expect(parseTargetSpec("command=jq -r '.title' | logger -t a=b")).toEqual({
      kind: "command",
      command: "jq -r '.title' | logger -t a=b",
    });
  });

  it.each([
    ["webhook=", /invalid notification target "webhook=": webhook needs a URL after "="/],
    ["ntfy=  ", /ntfy needs a URL after "="/],
    ["webhook=hooks.example.com/x", /"hooks.example.com\/x" is not a URL; write it in full/],
    ["webhook=ftp://example.com/x", /webhook takes an http:\/\/ or https:\/\/ URL, got a ftp: URL/],
    ["ntfy=file:///etc/passwd", /got a file: URL/],
    ["slack=https://x", /unknown kind "slack" \(known: bell, desktop, webhook, ntfy, command\)/],
    ["https://hooks.example.com/x", /a URL needs its kind in front: webhook=https:\/\/hooks/],
    ["command=", /command needs a shell command after "="/],
    ["bell=loud", /bell takes no value; write just "bell"/],
    ["", /it is empty/],
  ])("refuses %j, naming the value and the accepted forms", (spec, message) => {
    let error: unknown;
    try {
      parseTargetSpec(spec);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NotifyError);
    expect((error as NotifyError).code).toBe("NOTIFY_INVALID_TARGET");
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(`accepted forms: ${TARGET_FORMS}`);
  });
});

describe("describeTarget", () => {
  it("never shows a URL's path, query or credentials, nor a command's arguments", () => {
    const slack = parseTargetSpec("webhook=https://hooks.slack.com/services/T0/B0/secret");
    expect(describeTarget(slack)).toBe("webhook=https://hooks.slack.com/…");
    const ntfy = parseTargetSpec("ntfy=https://user:pw@ntfy.sh/topic?auth=tk");
    expect(describeTarget(ntfy)).toBe("ntfy=https://ntfy.sh/…");
    expect(describeTarget(parseTargetSpec("webhook=http://127.0.0.1:9/"))).toBe(
      "webhook=http://127.0.0.1:9/",
    );
    expect(describeTarget(parseTargetSpec("command=curl -d @- https://x/token"))).toBe(
      "command=curl …",
    );
    expect(describeTarget(parseTargetSpec("desktop"))).toBe("desktop");
  });
});
