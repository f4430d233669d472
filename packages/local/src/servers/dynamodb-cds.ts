import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, realpathSync, renameSync, rmSync, statSync } from "node:fs";
import { delimiter, dirname, join, relative } from "node:path";
import { manifestAttributes, manifestLine, rewriteJarManifest } from "./jar-manifest";

/**
 * Class-data sharing for DynamoDB Local's JVM (issue 16, startup). Most of the JVM's start is loading
 * and verifying some 5,000 classes; a CDS archive maps them in ready-made. The archive is made once
 * per DynamoDB Local release, Java installation and set of JVM options, in node_modules/.cache (so
 * `npm ci` drops it with the jar it belongs to, and tests, the bench and `npm run dev` all share it):
 *
 * 1. A start without an archive records the classes it loads (`-XX:DumpLoadedClassList`, written as
 *    they load: nothing is added to start or stop).
 * 2. After that JVM exits, a detached `java -Xshare:dump` turns the list into the archive in the
 *    background (several CPU-seconds, once), removes the archives it replaces, and exits by itself.
 * 3. Later starts map the archive (`-XX:SharedArchiveFile`). If Java cannot use it, it starts as
 *    before without it (`-Xshare:auto`, the default).
 *
 * CDS refuses a class path that holds a non-empty directory, and the release's jar names `.` (its
 * own folder) in its manifest's Class-Path; so the JVM runs a copy of the jar whose Class-Path lists
 * only the release's library jars. Anything failing here only means a slower start, never a failed one.
 */
export interface ClassDataSharing {
  /** The jar to run. */
  jar: string;
  /** JVM options to add. */
  jvmArgs: string[];
  /** Call once the JVM has exited: starts the background archive build when this start recorded a list. */
  exited(): void;
}

/** `jvmFlags`: the JVM's other options; they decide which classes load, so they key the archive too. */
export function classDataSharing(releaseDir: string, jarName: string, jvmFlags: readonly string[]): ClassDataSharing {
  const original = { jar: join(releaseDir, jarName), jvmArgs: [], exited: () => undefined };
  if (process.env.USERS_LOCAL_NO_CDS) return original;
  try {
    const java = javaIdentity();
    if (!java) return original;
    const key = createHash("sha256").update(JSON.stringify([java, jvmFlags])).digest("hex").slice(0, 12);
    const dir = join(cacheRoot(releaseDir), `${releaseDir.split(/[\\/]/).at(-1)}-${key}`);
    mkdirSync(dir, { recursive: true });
    const jar = join(dir, jarName);
    if (!existsSync(jar)) writeJarWithoutDirectories(join(releaseDir, jarName), jar, releaseDir);
    const archive = join(dir, "classes.jsa");
    if (existsSync(archive)) return { jar, jvmArgs: [`-XX:SharedArchiveFile=${archive}`], exited: () => undefined };

    const list = join(dir, `classes-${process.pid}-${Date.now()}.lst`);
    return {
      jar,
      jvmArgs: [`-XX:DumpLoadedClassList=${list}`],
      exited: () => buildArchiveInBackground({ dir, jar, list, archive }),
    };
  } catch {
    return original;
  }
}

/** node_modules/.cache next to the package that ships the jar. */
function cacheRoot(releaseDir: string): string {
  const modules = releaseDir.slice(0, releaseDir.lastIndexOf("node_modules") + "node_modules".length);
  return join(modules.endsWith("node_modules") ? modules : dirname(releaseDir), ".cache", "dynamodb-local-cds");
}

/** A short hash of the `java` on the PATH (its real path, size and time): a new Java gets a new archive. */
function javaIdentity(): string | undefined {
  const home = process.env.JAVA_HOME ? [join(process.env.JAVA_HOME, "bin")] : [];
  for (const dir of [...(process.env.PATH ?? "").split(delimiter), ...home]) {
    const candidate = join(dir, "java");
    if (!dir || !existsSync(candidate)) continue;
    const real = realpathSync(candidate);
    const stat = statSync(real);
    return createHash("sha256").update(`${real}:${stat.size}:${stat.mtimeMs}`).digest("hex").slice(0, 12);
  }
  return undefined;
}

function writeJarWithoutDirectories(source: string, destination: string, releaseDir: string): void {
  const temporary = `${destination}.${process.pid}.tmp`;
  const prefix = relative(dirname(destination), releaseDir).split("\\").join("/");
  rewriteJarManifest(source, temporary, (manifest) => {
    const attributes = manifestAttributes(manifest);
    const classPath = (attributes.get("Class-Path") ?? "")
      .split(/\s+/)
      .filter((entry) => entry.endsWith(".jar"))
      .map((entry) => `${prefix}/${entry}`);
    attributes.set("Class-Path", classPath.join(" "));
    return `${[...attributes].map(([name, value]) => manifestLine(name, value)).join("\r\n")}\r\n\r\n`;
  });
  renameSync(temporary, destination);
}

function buildArchiveInBackground(paths: { dir: string; jar: string; list: string; archive: string }): void {
  try {
    if (existsSync(paths.archive) || !existsSync(paths.list) || statSync(paths.list).size === 0) return;
    // One build at a time (tests start many runtimes); a lock older than 10 minutes is left over.
    const lock = join(paths.dir, "build.lock");
    if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 600_000) rmSync(lock, { force: true });
    closeSync(openSync(lock, "wx"));
    const temporary = `${paths.archive}.${process.pid}.tmp`;
    // The build outlives this process if need be (it ends by itself), in its own process group and
    // with none of the runtime's environment, so nothing mistakes it for part of a running runtime.
    const script = `
      const { spawnSync } = require("node:child_process");
      const fs = require("node:fs");
      const path = require("node:path");
      const [jar, list, temporary, archive, lock, dir] = process.argv.slice(1);
      try {
        const dump = spawnSync("java", ["-Xshare:dump", "-XX:SharedClassListFile=" + list, "-XX:SharedArchiveFile=" + temporary, "-cp", jar], { stdio: "ignore", timeout: 300000 });
        if (dump.status === 0 && fs.existsSync(temporary)) {
          fs.renameSync(temporary, archive);
          // The archives of other releases, Java installations or JVM options (~50 MB each) are
          // replaced by this one: removed. A JVM still mapping one keeps its mapping.
          const parent = path.dirname(dir);
          for (const name of fs.readdirSync(parent)) {
            const other = path.join(parent, name);
            if (other !== dir) fs.rmSync(other, { recursive: true, force: true });
          }
        }
      } catch {
        // A file another process holds (Windows) stays; the next build tries again.
      } finally {
        fs.rmSync(temporary, { force: true });
        for (const name of fs.readdirSync(dir)) if (name.endsWith(".lst")) fs.rmSync(dir + "/" + name, { force: true });
        fs.rmSync(lock, { force: true });
      }`;
    const child = spawn(process.execPath, ["-e", script, paths.jar, paths.list, temporary, paths.archive, lock, paths.dir], {
      detached: true,
      stdio: "ignore",
      env: { PATH: process.env.PATH ?? "", ...(process.env.JAVA_HOME ? { JAVA_HOME: process.env.JAVA_HOME } : {}) },
    });
    child.on("error", () => rmSync(lock, { force: true }));
    child.unref();
  } catch {
    // Another build holds the lock, or the cache is not writable: the next start tries again.
  }
}
