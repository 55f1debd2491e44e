import { describe, expect, it } from "vitest";
import { InvalidReplyError } from "./errors.js";
import { jsonFromText } from "./reply-text.js";

const verdict = { current_activity: "Editing", on_track_status: "on_track", confidence_score: 0.9 };

describe("jsonFromText", () => {
  it("reads a reply in a ```json fence with prose around it", () => {
    const text = `Here is my verdict:\n\`\`\`json\n${JSON.stringify(verdict, null, 2)}\n\`\`\`\nHope it helps.`;
    expect(jsonFromText(text, "t")).toEqual(verdict);
  });

  it("reads a bare ``` fence and skips a fence in another language", () => {
    const text = `\`\`\`bash\nnpm test\n\`\`\`\n\`\`\`\n${JSON.stringify(verdict)}\n\`\`\``;
    expect(jsonFromText(text, "t")).toEqual(verdict);
  });

  it("reads plain JSON and JSON embedded in prose", () => {
    expect(jsonFromText(JSON.stringify(verdict), "t")).toEqual(verdict);
    expect(jsonFromText(`The verdict is ${JSON.stringify(verdict)}.`, "t")).toEqual(verdict);
  });

  it("returns an array as an array so the schema can reject it", () => {
    expect(jsonFromText(`[${JSON.stringify(verdict)}]`, "t")).toEqual([verdict]);
  });

  it("throws InvalidReplyError when there is no JSON", () => {
    expect(() => jsonFromText("The agent is doing fine {really}", "t")).toThrow(InvalidReplyError);
    expect(() => jsonFromText("", "t")).toThrow(InvalidReplyError);
  });
});
