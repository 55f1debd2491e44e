import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CONFIG_FIELDS,
  CONFIG_KEYS,
  ConfigError,
  DEFAULT_CONFIG,
  MAX_TIMER_SECONDS,
  loadConfig,
} from "./index.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "agentwatch-config-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configFile(contents: unknown): Promise<string> {
  const path = join(dir, "agentwatch.json");
  await writeFile(path, typeof contents === "string" ? contents : JSON.stringify(contents));
  return path;
}

async function rejection(promise: Promise<unknown>): Promise<ConfigError> {
  const error: unknown = await promise.then(
    () => {
      throw new Error("expected loadConfig to reject");
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe("defaults", () => {
  it("are the seed's values, plus the monitor's and the server's fields", async () => {
    expect(DEFAULT_CONFIG).toEqual({
      poll_interval_seconds: 12,
      summary_dir: "/tmp/madrox_logs/summaries",
      state_dir: "/tmp/madrox_logs/monitoring_state",
      model: "claude-haiku-4-5",
      max_log_lines_per_read: 200,
      error_backoff_seconds: 10,
      enable_streaming: true,
      log_dir: "/tmp/madrox_logs",
      agent_concurrency: 4,
      exited_grace_seconds: 300,
      server_host: "127.0.0.1",
      server_port: 8001,
      token: "",
      max_clients: 100,
      notify: [],
      notify_cooldown_seconds: 60,
      notify_rate_per_minute: 5,
      notify_turn_end: false,
      catch_up_bytes: 262_144,
      catch_up_lines: 200,
      stall_seconds: 300,
      model_prices: {},
    });
    expect(await loadConfig()).toEqual(DEFAULT_CONFIG);
  });

  it("document one AGENTWATCH_ variable per field", () => {
    expect(Object.keys(CONFIG_FIELDS)).toEqual(Object.keys(DEFAULT_CONFIG));
    for (const key of CONFIG_KEYS) {
      expect(CONFIG_FIELDS[key].env).toBe(`AGENTWATCH_${key.toUpperCase()}`);
      expect(CONFIG_FIELDS[key].description.length).toBeGreaterThan(0);
    }
  });

  it("return a frozen object", async () => {
    const config = await loadConfig();
    expect(Object.isFrozen(config)).toBe(true);
  });
});

describe("sources", () => {
  it("reads a JSON file", async () => {
    const file = await configFile({ poll_interval_seconds: 5, summary_dir: "/var/aw/summaries" });
    const config = await loadConfig({ file });
    expect(config.poll_interval_seconds).toBe(5);
    expect(config.summary_dir).toBe("/var/aw/summaries");
    expect(config.model).toBe(DEFAULT_CONFIG.model);
  });

  it("reads environment variables only when given", async () => {
    const env = {
      AGENTWATCH_POLL_INTERVAL_SECONDS: "30",
      AGENTWATCH_STATE_DIR: "/var/aw/state",
      AGENTWATCH_MODEL: "claude-sonnet-4-5",
      AGENTWATCH_MAX_LOG_LINES_PER_READ: " 500 ",
      AGENTWATCH_ERROR_BACKOFF_SECONDS: "3",
      AGENTWATCH_ENABLE_STREAMING: "0",
      PATH: "/usr/bin",
      AGENTWATCH_LOG_LEVEL: "debug",
    };
    expect(await loadConfig({ env })).toEqual({
      ...DEFAULT_CONFIG,
      poll_interval_seconds: 30,
      state_dir: "/var/aw/state",
      model: "claude-sonnet-4-5",
      max_log_lines_per_read: 500,
      error_backoff_seconds: 3,
      enable_streaming: false,
    });
  });

  it.each([
    ["true", true],
    ["1", true],
    ["false", false],
    ["0", false],
  ])("reads the boolean %j from the environment as %s", async (text, expected) => {
    const config = await loadConfig({ env: { AGENTWATCH_ENABLE_STREAMING: text } });
    expect(config.enable_streaming).toBe(expected);
  });

  it("applies overrides and ignores override keys set to undefined", async () => {
    const config = await loadConfig({ overrides: { model: "m", state_dir: undefined } });
    expect(config.model).toBe("m");
    expect(config.state_dir).toBe(DEFAULT_CONFIG.state_dir);
  });
});

describe("precedence", () => {
  it("is defaults < file < environment < overrides", async () => {
    const file = await configFile({ poll_interval_seconds: 5, model: "file", state_dir: "/file" });
    const env = { AGENTWATCH_POLL_INTERVAL_SECONDS: "7", AGENTWATCH_MODEL: "env" };
    const config = await loadConfig({ file, env, overrides: { poll_interval_seconds: 9 } });
    expect(config.poll_interval_seconds).toBe(9);
    expect(config.model).toBe("env");
    expect(config.state_dir).toBe("/file");
    expect(config.summary_dir).toBe(DEFAULT_CONFIG.summary_dir);
  });
});

describe("errors", () => {
  it("name a bad environment value, its variable and what was expected", async () => {
    const error = await rejection(
      loadConfig({ env: { AGENTWATCH_POLL_INTERVAL_SECONDS: "soon" } }),
    );
    expect(error.code).toBe("CONFIG_INVALID_VALUE");
    expect(error.key).toBe("poll_interval_seconds");
    expect(error.message).toBe(
      'poll_interval_seconds from environment variable AGENTWATCH_POLL_INTERVAL_SECONDS: expected a positive integer, got "soon"',
    );
  });

  it("read a port (0 included) and a token, which may be empty", async () => {
    const config = await loadConfig({
      env: { AGENTWATCH_SERVER_PORT: "0", AGENTWATCH_TOKEN: "s3cret" },
    });
    expect(config.server_port).toBe(0);
    expect(config.token).toBe("s3cret");
    expect((await loadConfig({ env: { AGENTWATCH_TOKEN: "" } })).token).toBe("");
  });

  it.each([
    ["AGENTWATCH_SERVER_PORT", "65536"],
    ["AGENTWATCH_SERVER_PORT", "http"],
    ["AGENTWATCH_POLL_INTERVAL_SECONDS", "0"],
    ["AGENTWATCH_POLL_INTERVAL_SECONDS", "-5"],
    ["AGENTWATCH_POLL_INTERVAL_SECONDS", "1.5"],
    ["AGENTWATCH_MAX_LOG_LINES_PER_READ", ""],
    ["AGENTWATCH_ENABLE_STREAMING", "yes"],
    ["AGENTWATCH_STATE_DIR", "   "],
  ])("reject %s=%j", async (variable, value) => {
    const error = await rejection(loadConfig({ env: { [variable]: value } }));
    expect(error.code).toBe("CONFIG_INVALID_VALUE");
    expect(error.message).toContain(`environment variable ${variable}`);
    expect(error.message).toContain(`got ${JSON.stringify(value)}`);
  });

  it("name a bad file value with the file's path", async () => {
    const file = await configFile({ max_log_lines_per_read: "many" });
    const error = await rejection(loadConfig({ file }));
    expect(error.message).toBe(
      `max_log_lines_per_read from config file ${file}: expected a positive integer, got "many"`,
    );
    expect(error.source).toEqual({ kind: "file", path: file });
  });

  it("reject a string where the file needs a boolean", async () => {
    const file = await configFile({ enable_streaming: "true" });
    const error = await rejection(loadConfig({ file }));
    expect(error.message).toContain("enable_streaming from config file");
    expect(error.message).toContain("expected a boolean");
  });

  it("reject a bad override", async () => {
    const error = await rejection(loadConfig({ overrides: { poll_interval_seconds: 0 } }));
    expect(error.message).toBe(
      "poll_interval_seconds from overrides: expected a positive integer, got 0",
    );
  });

  it("reject an unknown file key and suggest the one meant", async () => {
    const file = await configFile({ poll_interval_second: 5 });
    const error = await rejection(loadConfig({ file }));
    expect(error.code).toBe("CONFIG_UNKNOWN_KEY");
    expect(error.key).toBe("poll_interval_second");
    expect(error.message).toBe(
      `unknown key poll_interval_second in config file ${file}; did you mean poll_interval_seconds?`,
    );
  });

  it("reject an unknown key with no close match by listing the known keys", async () => {
    const file = await configFile({ colour: "red" });
    const error = await rejection(loadConfig({ file }));
    expect(error.message).toContain("unknown key colour");
    expect(error.message).toContain("known keys: poll_interval_seconds, summary_dir");
  });

  it("reject an unknown AGENTWATCH_ variable as a typo", async () => {
    const error = await rejection(loadConfig({ env: { AGENTWATCH_POLL_INTERVAL: "5" } }));
    expect(error.code).toBe("CONFIG_UNKNOWN_KEY");
    expect(error.message).toBe(
      "unknown key AGENTWATCH_POLL_INTERVAL in environment variable AGENTWATCH_POLL_INTERVAL; did you mean AGENTWATCH_POLL_INTERVAL_SECONDS?",
    );
  });

  it("reject an unknown override key", async () => {
    const overrides = { pollInterval: 5 } as unknown as Record<string, never>;
    const error = await rejection(loadConfig({ overrides }));
    expect(error.message).toContain("unknown key pollInterval in overrides");
  });

  it("name a file that cannot be read", async () => {
    const file = join(dir, "missing.json");
    const error = await rejection(loadConfig({ file }));
    expect(error.code).toBe("CONFIG_FILE_UNREADABLE");
    expect(error.message).toContain(`cannot read config file ${file}`);
    expect(error.message).toContain("ENOENT");
  });

  it("name a file that is a directory", async () => {
    const error = await rejection(loadConfig({ file: dir }));
    expect(error.code).toBe("CONFIG_FILE_UNREADABLE");
    expect(error.message).toContain("EISDIR");
  });

  it("name a malformed file", async () => {
    const file = await configFile('{ "poll_interval_seconds": 5, }');
    const error = await rejection(loadConfig({ file }));
    expect(error.code).toBe("CONFIG_FILE_MALFORMED");
    expect(error.message).toContain(`config file ${file} is not valid JSON`);
  });

  it.each([
    ["[1, 2]", "an array"],
    ["42", "42"],
    ["null", "null"],
  ])("reject a file holding %s instead of an object", async (contents, shown) => {
    const file = await configFile(contents);
    const error = await rejection(loadConfig({ file }));
    expect(error.code).toBe("CONFIG_FILE_MALFORMED");
    expect(error.message).toContain(`must hold a JSON object of settings, got ${shown}`);
  });
});

describe("limits", () => {
  it("rejects a poll interval longer than a timer can wait, from every source", async () => {
    await expect(loadConfig({ overrides: { poll_interval_seconds: 2_147_484 } })).rejects.toThrow(
      "poll_interval_seconds from overrides: expected a positive integer of at most 2147483 (the longest a timer can wait), got 2147484",
    );
    await expect(
      loadConfig({ env: { AGENTWATCH_POLL_INTERVAL_SECONDS: "99999999" } }),
    ).rejects.toThrow(/of at most 2147483/);
    expect(
      (await loadConfig({ overrides: { poll_interval_seconds: MAX_TIMER_SECONDS } }))
        .poll_interval_seconds,
    ).toBe(2_147_483);
  });

  it("takes numbers in the environment in decimal only", async () => {
    await expect(loadConfig({ env: { AGENTWATCH_POLL_INTERVAL_SECONDS: "0x10" } })).rejects.toThrow(
      'expected a positive integer, got "0x10"',
    );
  });
});

describe("notification targets (a list)", () => {
  it("come from the file as a list, frozen", async () => {
    const file = await configFile({ notify: ["bell", "webhook=https://hooks.example.com/x"] });
    const config = await loadConfig({ file });
    expect(config.notify).toEqual(["bell", "webhook=https://hooks.example.com/x"]);
    expect(Object.isFrozen(config.notify)).toBe(true);
  });

  it("come from the environment as a JSON array, or as one target", async () => {
    const list = await loadConfig({
      env: { AGENTWATCH_NOTIFY: '["desktop", "command=logger -t agentwatch"]' },
    });
    expect(list.notify).toEqual(["desktop", "command=logger -t agentwatch"]);
    const one = await loadConfig({ env: { AGENTWATCH_NOTIFY: "ntfy=https://ntfy.sh/a,b" } });
    expect(one.notify).toEqual(["ntfy=https://ntfy.sh/a,b"]);
    expect((await loadConfig({ env: { AGENTWATCH_NOTIFY: "" } })).notify).toEqual([]);
  });

  it.each([
    [{ notify: "bell" }, 'got "bell"'],
    [{ notify: ["bell", ""] }, 'got ["bell",""]'],
    [{ notify: [3] }, "got [3]"],
  ])("reject %j in the file", async (contents, got) => {
    const file = await configFile(contents);
    const error = await rejection(loadConfig({ file }));
    expect(error.message).toBe(
      `notify from config file ${file}: expected a list of non-empty strings (in the environment a JSON array such as ["bell","desktop"], or one string), ${got}`,
    );
  });

  it("reject a malformed JSON array in the environment", async () => {
    const error = await rejection(loadConfig({ env: { AGENTWATCH_NOTIFY: '["bell"' } }));
    expect(error.message).toContain("environment variable AGENTWATCH_NOTIFY");
    expect(error.message).toContain('got "[\\"bell\\""');
  });
});

describe("model_prices", () => {
  it("takes prices per model from a config file and the environment, each checked", async () => {
    const prices = {
      "claude-sonnet-4-5": { input: 3, output: 15, cache_read: 0.3, cache_creation: 3.75 },
    };
    const fromEnv = await loadConfig({
      env: { AGENTWATCH_MODEL_PRICES: JSON.stringify(prices) },
    });
    expect(fromEnv.model_prices).toEqual(prices);
    expect(Object.isFrozen(fromEnv.model_prices["claude-sonnet-4-5"])).toBe(true);
    await expect(
      loadConfig({
        env: {
          AGENTWATCH_MODEL_PRICES:
            '{"gpt-5": {"input": -1, "output": 10, "cache_read": 0, "cache_creation": 0}}',
        },
      }),
    ).rejects.toThrow(/model_prices from .*expected an object of model ids to prices/);
    await expect(
      loadConfig({ env: { AGENTWATCH_MODEL_PRICES: '{"gpt-5": {"input": 1}}' } }),
    ).rejects.toThrow(/model_prices/);
    expect((await loadConfig({ env: {} })).model_prices).toEqual({});
  });
});
