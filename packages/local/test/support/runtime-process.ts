/**
 * A runtime in a process of its own, for tests that kill it the hard way (SIGKILL) and look at what
 * it leaves behind. Reads RUNTIME_DATA_DIR, RUNTIME_PORTS and RUNTIME_OPTIONS (more StartOptions, as
 * JSON); reports its ports when ready.
 */
import { createMemoryLogger, start } from "../../src/index";
import type { StartOptions } from "../../src/index";

const runtime = await start({
  ...(JSON.parse(process.env.RUNTIME_OPTIONS ?? "{}") as StartOptions),
  dataDir: process.env.RUNTIME_DATA_DIR!,
  ports: JSON.parse(process.env.RUNTIME_PORTS ?? '"free"') as "free",
  logger: createMemoryLogger(),
});
process.send?.({ type: "ready", ports: runtime.ports });
// A test that is done with it asks politely, so the runtime stops its JVM and s3rver too (a SIGKILL
// would leave them running, orphaned).
process.once("SIGTERM", () => void runtime.stop().finally(() => process.exit(0)));
