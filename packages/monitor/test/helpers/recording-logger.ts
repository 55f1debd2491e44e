import type { Logger } from "@agentwatch/models";

/** A logger that keeps the message of every warning, and drops the rest. */
export function warningLogger(): Logger & { readonly warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    debug: () => {},
    info: () => {},
    warn: (fields: unknown, message?: string) => {
      warnings.push(String(message ?? fields));
    },
    error: () => {},
  };
}
