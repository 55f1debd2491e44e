const RATE_LIMIT =
  /\b(?:rate[ _-]?limit(?:ed|s)?|usage[ _-]limit|session limit|weekly limit|limit reached|too many requests|quota exceeded|insufficient_quota|resource_exhausted|overloaded_error: rate)\b|\bhit your (?:\w+ )?limit\b/i;

/**
 * Whether an API error is a rate or usage limit: status 429, or words such as `rate limit`,
 * `usage limit`, `Too Many Requests`, `You've hit your session limit`.
 */
export function isRateLimited(text: string, status?: unknown): boolean {
  if (status === 429 || status === "429") return true;
  if (status === "rate_limit") return true;
  return RATE_LIMIT.test(text) || /\b429\b/.test(text.slice(0, 300));
}

/** Whether an error message says the program is retrying (so the agent is still at work). */
export function isRetryMessage(text: string): boolean {
  return /\bretry(?:ing)?\b|\bretrying\b|\breconnecting\b/i.test(text);
}
