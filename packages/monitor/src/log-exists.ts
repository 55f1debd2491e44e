import { stat } from "node:fs/promises";

/** Whether a log file exists; any error but ENOENT counts as existing (the reader reports it). */
export async function logExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ENOENT";
  }
}
