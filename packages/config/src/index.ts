export { ConfigError, describeSource, type ConfigErrorCode, type ConfigSource } from "./errors.js";
export {
  CONFIG_FIELDS,
  CONFIG_KEYS,
  DEFAULT_CONFIG,
  MAX_TIMER_SECONDS,
  type FieldKind,
  type FieldSpec,
  type MonitoringConfig,
  type TokenPrices,
} from "./fields.js";
export { ENV_PREFIX, OTHER_VARIABLES, loadConfig, type LoadConfigOptions } from "./load-config.js";
