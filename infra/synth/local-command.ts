/**
 * `command:local:Command`: SST builds sites with it (StaticSite's `build.command`), and the deploy
 * runs it on this machine before uploading the output. The synth runs it too, for real, so a
 * broken site build fails the synth as it would fail the deploy. Builds write into the project
 * (e.g. packages/web/dist), so one synth process at a time builds and holds its output until it ends.
 */
import { spawn } from "node:child_process";
import { mkdirSync, rmdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { workDir } from "./paths";

export interface CommandInputs {
  create?: string;
  dir?: string;
  environment?: Record<string, string>;
}

const lock = join(workDir, "site-build.lock");
let holding = false;

export async function runLocalCommand(inputs: CommandInputs): Promise<{ stdout: string; stderr: string }> {
  if (!inputs.create) return { stdout: "", stderr: "" };
  await acquire();
  return new Promise((resolve, reject) => {
    const child = spawn(inputs.create!, {
      shell: true,
      cwd: inputs.dir,
      env: { ...process.env, ...inputs.environment },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`"${inputs.create}" in ${inputs.dir} exited ${code}:\n${stdout}\n${stderr}`));
    });
  });
}

async function acquire() {
  if (holding) return;
  for (;;) {
    try {
      mkdirSync(lock, { recursive: false });
      holding = true;
      process.once("exit", () => rmdirSync(lock));
      return;
    } catch {
      // A lock older than any synth is left over from a killed one.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 5 * 60_000) rmdirSync(lock);
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
