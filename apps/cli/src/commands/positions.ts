import { PositionTracker } from "@agentwatch/position-store";
import { oneLine } from "@agentwatch/term-ui";
import { type CommandContext, print } from "../context.js";
import { CliError } from "../errors.js";

async function openTracker(context: CommandContext): Promise<PositionTracker> {
  try {
    return await PositionTracker.open(context.config.state_dir, { logger: context.logger });
  } catch (error) {
    throw new CliError(
      `cannot open positions in ${context.config.state_dir}: ${(error as Error).message}`,
      1,
      { cause: error },
    );
  }
}

/** `agentwatch positions list [--json]`: every saved read position. */
export async function positionsListCommand(
  context: CommandContext,
  flags: { json: boolean },
): Promise<void> {
  const tracker = await openTracker(context);
  try {
    const positions = tracker
      .getAllPositions()
      .sort(
        (a, b) =>
          a.instance_id.localeCompare(b.instance_id) || a.log_type.localeCompare(b.log_type),
      );
    if (flags.json) {
      print(context, JSON.stringify(positions, null, 2));
      return;
    }
    if (positions.length === 0) {
      print(context, `no saved positions in ${tracker.stateFile}`);
      return;
    }
    for (const p of positions) {
      print(
        context,
        oneLine(
          `${p.instance_id}:${p.log_type}  line ${p.last_line_number}, byte ${p.last_byte_offset}, ` +
            `read ${p.last_read_timestamp}  ${p.file_path}`,
        ),
      );
    }
  } finally {
    await tracker.close();
  }
}

/** `agentwatch positions reset <instance>`: forget where reading of an agent's logs stopped. */
export async function positionsResetCommand(
  context: CommandContext,
  instanceId: string,
): Promise<void> {
  const tracker = await openTracker(context);
  try {
    const mine = tracker.getAllPositions().filter((p) => p.instance_id === instanceId);
    if (mine.length === 0) {
      const known = [...new Set(tracker.getAllPositions().map((p) => p.instance_id))].sort();
      const hint = known.length > 0 ? `; known: ${known.join(", ")}` : "";
      throw new CliError(
        `no saved position for instance ${instanceId} in ${tracker.stateFile}${hint}`,
      );
    }
    for (const position of mine) await tracker.removePosition(instanceId, position.log_type);
    print(
      context,
      `reset ${mine.length} position${mine.length === 1 ? "" : "s"} of ${instanceId}: its logs will be read from the start`,
    );
  } finally {
    await tracker.close();
  }
}
