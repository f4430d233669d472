import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { eachLine } from "../src/lambda/lines";

describe("a function's output, line by line", () => {
  it("splits lines across chunks, drops CR before LF, keeps multi-byte characters and a last unterminated line", async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    eachLine(stream, (line) => lines.push(line));
    const heart = Buffer.from("♥");
    stream.write("first\nsec");
    stream.write("ond\r\n\nthird ");
    stream.write(heart.subarray(0, 1));
    stream.write(Buffer.concat([heart.subarray(1), Buffer.from("\nlast")]));
    stream.end();
    await new Promise((resolve) => stream.on("end", resolve));
    expect(lines).toEqual(["first", "second", "", "third ♥", "last"]);
  });
});
