import { InvalidArgumentError } from "./errors.js";

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

/**
 * `value` when it is a finite number of at least `min`, `fallback` when it is undefined.
 *
 * @throws {InvalidArgumentError} naming `options.<name>` otherwise.
 */
export function checkNumber(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min)
    throw new InvalidArgumentError(
      `invalid options.${name}: expected a number of at least ${min} (got ${describe(value)})`,
      `options.${name}`,
    );
  return value;
}

/**
 * `value` when it is a whole number of at least `min`, `fallback` when it is undefined.
 *
 * @throws {InvalidArgumentError} naming `options.<name>` otherwise.
 */
export function checkInteger(value: unknown, name: string, fallback: number, min: number): number {
  const number = checkNumber(value, name, fallback, min);
  if (!Number.isSafeInteger(number))
    throw new InvalidArgumentError(
      `invalid options.${name}: expected a whole number of at least ${min} (got ${describe(value)})`,
      `options.${name}`,
    );
  return number;
}
