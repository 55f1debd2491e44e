import { readFile } from "node:fs/promises";
import { ConfigError, type ConfigSource, describeSource } from "./errors.js";
import {
  CONFIG_FIELDS,
  CONFIG_KEYS,
  DEFAULT_CONFIG,
  type FieldKind,
  type MonitoringConfig,
} from "./fields.js";
import { closest } from "./suggest.js";

/** The prefix of agentwatch's environment variables. */
export const ENV_PREFIX = "AGENTWATCH_";

/** Where `loadConfig` reads from; each later source wins over the earlier ones. */
export interface LoadConfigOptions {
  /** A JSON config file whose keys are `MonitoringConfig` field names. */
  file?: string | undefined;
  /**
   * Environment variables to read (`AGENTWATCH_*`), usually `process.env`. Not read unless given:
   * libraries never look at `process.env` on their own.
   */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Values that win over everything else, such as command-line flags. */
  overrides?: Partial<MonitoringConfig> | undefined;
}

const EXPECTED: Record<FieldKind, string> = {
  "positive-integer": "a positive integer",
  port: "a port number from 0 to 65535",
  "optional-string": "a string",
  path: "a non-empty path",
  string: "a non-empty string",
  boolean: 'a boolean (true/false; in the environment "true", "false", "1" or "0")',
  "string-list":
    'a list of non-empty strings (in the environment a JSON array such as ["bell","desktop"], or one string)',
  "price-table":
    'an object of model ids to prices in USD per million tokens, such as {"claude-sonnet-4-5": {"input": 3, "output": 15, "cache_read": 0.3, "cache_creation": 3.75}}',
};

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function invalid(key: string, source: ConfigSource, kind: FieldKind, value: unknown): ConfigError {
  return new ConfigError(
    `${key} from ${describeSource(source)}: expected ${EXPECTED[kind]}, got ${show(value)}`,
    "CONFIG_INVALID_VALUE",
    { key, source },
  );
}

function fromEnvText(kind: FieldKind, text: string): unknown {
  const trimmed = text.trim();
  switch (kind) {
    case "positive-integer":
    case "port":
      return /^\d+$/.test(trimmed) ? Number(trimmed) : text;
    case "boolean":
      if (trimmed === "true" || trimmed === "1") return true;
      if (trimmed === "false" || trimmed === "0") return false;
      return text;
    case "path":
    case "string":
    case "optional-string":
      return text;
    case "string-list":
      if (trimmed === "") return [];
      if (!trimmed.startsWith("[")) return [trimmed];
      try {
        return JSON.parse(trimmed) as unknown;
      } catch {
        return text;
      }
    case "price-table":
      if (trimmed === "") return {};
      try {
        return JSON.parse(trimmed) as unknown;
      } catch {
        return text;
      }
  }
}

/** A copy of a list or an object value that cannot be changed (prices: each model's too). */
function frozen(value: unknown): unknown {
  if (Array.isArray(value)) return Object.freeze([...(value as unknown[])]);
  if (value !== null && typeof value === "object") {
    return Object.freeze(
      Object.fromEntries(
        Object.entries(value).map(([key, inner]) => [key, Object.freeze({ ...(inner as object) })]),
      ),
    );
  }
  return value;
}

const PRICE_FIELDS = ["input", "output", "cache_read", "cache_creation"] as const;

function isPriceTable(value: unknown): boolean {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  return Object.entries(value).every(
    ([model, price]) =>
      isText(model) &&
      price !== null &&
      typeof price === "object" &&
      Object.keys(price as object).every((key) =>
        (PRICE_FIELDS as readonly string[]).includes(key),
      ) &&
      PRICE_FIELDS.every((field) => {
        const n = (price as Record<string, unknown>)[field];
        return typeof n === "number" && Number.isFinite(n) && n >= 0;
      }),
  );
}

function check(
  key: keyof MonitoringConfig,
  source: ConfigSource,
  value: unknown,
  raw: unknown = value,
): unknown {
  const { kind, max } = CONFIG_FIELDS[key];
  const ok = isValid(kind, value);
  if (!ok) throw invalid(key, source, kind, raw);
  if (max !== undefined && typeof value === "number" && value > max.value) {
    throw new ConfigError(
      `${key} from ${describeSource(source)}: expected ${EXPECTED[kind]} of at most ${max.value} (${max.why}), got ${show(raw)}`,
      "CONFIG_INVALID_VALUE",
      { key, source },
    );
  }
  return value;
}

function isValid(kind: FieldKind, value: unknown): boolean {
  switch (kind) {
    case "positive-integer":
      return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
    case "port":
      return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 65535;
    case "boolean":
      return typeof value === "boolean";
    case "optional-string":
      return typeof value === "string" && !value.includes("\0");
    case "path":
    case "string":
      return isText(value);
    case "string-list":
      return Array.isArray(value) && value.every(isText);
    case "price-table":
      return isPriceTable(value);
  }
}

function isText(value: unknown): value is string {
  return typeof value === "string" && value.trim().length > 0 && !value.includes("\0");
}

function unknownKey(key: string, source: ConfigSource, candidates: readonly string[]): ConfigError {
  const guess = closest(key, candidates);
  const hint =
    guess === undefined ? `known keys: ${candidates.join(", ")}` : `did you mean ${guess}?`;
  return new ConfigError(
    `unknown key ${key} in ${describeSource(source)}; ${hint}`,
    "CONFIG_UNKNOWN_KEY",
    { key, source },
  );
}

function isConfigKey(key: string): key is keyof MonitoringConfig {
  return Object.prototype.hasOwnProperty.call(CONFIG_FIELDS, key);
}

function applyObject(
  target: Record<string, unknown>,
  values: Readonly<Record<string, unknown>>,
  source: ConfigSource,
): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined && source.kind === "override") continue;
    if (!isConfigKey(key)) throw unknownKey(key, source, CONFIG_KEYS);
    const checked = check(key, source, value);
    target[key] = frozen(checked);
  }
}

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  const source: ConfigSource = { kind: "file", path };
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? "unknown error";
    throw new ConfigError(
      `cannot read config file ${path}: ${(cause as Error).message} (${code}); check the --config path`,
      "CONFIG_FILE_UNREADABLE",
      { source },
      { cause },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(
      `config file ${path} is not valid JSON: ${(cause as Error).message}`,
      "CONFIG_FILE_MALFORMED",
      { source },
      { cause },
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ConfigError(
      `config file ${path} must hold a JSON object of settings, got ${Array.isArray(parsed) ? "an array" : show(parsed)}`,
      "CONFIG_FILE_MALFORMED",
      { source },
    );
  }
  return parsed as Record<string, unknown>;
}

/**
 * Builds a `MonitoringConfig` from defaults < JSON file < environment < overrides, validating every
 * value.
 *
 * @throws {ConfigError} for an unreadable or malformed file, an unknown key or variable (a typo),
 * or a value of the wrong kind; the message names the key, its source and what was expected.
 * @example
 * const config = await loadConfig({ file: "agentwatch.json", env: process.env });
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<MonitoringConfig> {
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG };
  if (options.file !== undefined) {
    applyObject(config, await readConfigFile(options.file), { kind: "file", path: options.file });
  }
  if (options.env !== undefined) applyEnv(config, options.env);
  if (options.overrides !== undefined) applyObject(config, options.overrides, { kind: "override" });
  return Object.freeze(config as unknown as MonitoringConfig);
}

const ENV_TO_KEY = new Map(CONFIG_KEYS.map((key) => [CONFIG_FIELDS[key].env, key]));

function applyEnv(
  config: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): void {
  for (const [variable, text] of Object.entries(env)) {
    if (!variable.startsWith(ENV_PREFIX) || text === undefined) continue;
    const source: ConfigSource = { kind: "env", variable };
    const key = ENV_TO_KEY.get(variable);
    if (key === undefined) {
      if (OTHER_VARIABLES.has(variable)) continue;
      throw unknownKey(variable, source, [...ENV_TO_KEY.keys()]);
    }
    const checked = check(key, source, fromEnvText(CONFIG_FIELDS[key].kind, text), text);
    config[key] = frozen(checked);
  }
}

/**
 * `AGENTWATCH_*` variables that are read by the apps rather than by `loadConfig`, and so are not
 * typos.
 */
export const OTHER_VARIABLES: ReadonlySet<string> = new Set(["AGENTWATCH_LOG_LEVEL"]);
