/** A problem with how the demo was called or where it may write: one line, then exit `exitCode`. */
export class DemoError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2, options?: ErrorOptions) {
    super(message, options);
    this.name = "DemoError";
    this.exitCode = exitCode;
  }
}
