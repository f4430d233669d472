import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Every file a clone holds: tracked, plus new files not ignored (so a change is caught before its commit). */
function projectFiles(): string[] {
  const output = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: root, encoding: "utf8" });
  return output.split("\0").filter((file) => file !== "" && !file.endsWith("package-lock.json"));
}

describe("the repository stands on its own", () => {
  it("no project file reads or names the steering folder beside the clone", () => {
    // Spelled in parts so this file does not match itself.
    const outside = new RegExp(["\\.\\.", "shared"].join("/") + "|" + ["shared", "fixtures"].join("/"));
    const offenders = projectFiles().filter((file) => {
      try {
        return outside.test(readFileSync(`${root}/${file}`, "utf8"));
      } catch {
        return false; // deleted in the work tree but still in the index
      }
    });
    expect(offenders).toEqual([]);
  });

  it("ships the AWS-shaped sample events the tests compare against", () => {
    const names = ["apigw-http-jwt-authorizer.json", "apigw-http-no-auth.json", "sqs-batch.json", "s3-object-created.json"];
    const readme = readFileSync(`${root}/fixtures/aws-events/README.md`, "utf8");
    for (const name of names) {
      expect(() => JSON.parse(readFileSync(`${root}/fixtures/aws-events/${name}`, "utf8"))).not.toThrow();
      expect(readme).toContain(name); // each with the AWS page its shape comes from
    }
  });
});
