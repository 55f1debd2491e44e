import { describe, expect, it } from "vitest";
import { hostHeaderName, isLoopbackAddress, isLoopbackHost, tokensMatch } from "./auth.js";
import { originAllowed } from "./origin.js";

describe("isLoopbackHost", () => {
  it("accepts loopback names and addresses only", () => {
    for (const host of [
      "127.0.0.1",
      "127.1.2.3",
      "localhost",
      "LOCALHOST",
      "::1",
      "[::1]",
      "::ffff:127.0.0.1",
      "[::ffff:7f00:1]", // how a URL spells ::ffff:127.0.0.1 in a Host header
      "0:0:0:0:0:0:0:1",
      "app.localhost",
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of [
      "0.0.0.0",
      "::",
      "192.168.1.2",
      "10.0.0.1",
      "example.com",
      "127.0.0.1.nip.io",
      "localhost.evil.com",
      "::ffff:c0a8:114",
      "[::ffff:192.168.1.20]",
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it("decides on addresses only when asked about an address", () => {
    for (const address of [
      "127.0.0.1",
      "127.255.0.9",
      "::1",
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
    ]) {
      expect(isLoopbackAddress(address), address).toBe(true);
    }
    for (const address of [
      "localhost",
      "app.localhost",
      "[::1]",
      "0.0.0.0",
      "::",
      "192.168.1.20",
      "::ffff:192.168.1.20",
      "128.0.0.1",
      "fe80::1%lo",
    ]) {
      expect(isLoopbackAddress(address), address).toBe(false);
    }
  });

  it("reads the host name of a Host header", () => {
    expect(hostHeaderName("127.0.0.1:8001")).toBe("127.0.0.1");
    expect(hostHeaderName("[::1]:8001")).toBe("[::1]");
    expect(hostHeaderName(undefined)).toBeUndefined();
    expect(hostHeaderName("a b")).toBeUndefined();
  });
});

describe("tokensMatch", () => {
  it("matches only the exact token", () => {
    expect(tokensMatch("secret", "secret")).toBe(true);
    expect(tokensMatch("secret", "secreT")).toBe(false);
    expect(tokensMatch("secret", "secret2")).toBe(false);
    expect(tokensMatch("secret", "")).toBe(false);
    expect(tokensMatch("secret", undefined)).toBe(false);
  });
});

describe("originAllowed", () => {
  const none = new Set<string>();
  it("allows no Origin, the server's own host and listed origins; refuses the rest", () => {
    expect(originAllowed(undefined, "127.0.0.1:8001", none)).toBe(true);
    expect(originAllowed("http://127.0.0.1:8001", "127.0.0.1:8001", none)).toBe(true);
    expect(originAllowed("http://127.0.0.1:9999", "127.0.0.1:8001", none)).toBe(false);
    expect(originAllowed("http://localhost:8001", "127.0.0.1:8001", none)).toBe(false);
    expect(originAllowed("https://dash.example.com", "dash.example.com", none)).toBe(true);
    expect(originAllowed("https://evil.example", "127.0.0.1:8001", none)).toBe(false);
    expect(originAllowed("null", "127.0.0.1:8001", none)).toBe(false);
    expect(originAllowed("file://", "127.0.0.1:8001", none)).toBe(false);
    expect(
      originAllowed("https://ops.example", "127.0.0.1:8001", new Set(["https://ops.example"])),
    ).toBe(true);
  });
});
