/**
 * A test process that asks `freePort()` for ports (argv[2] of them) and sends them to its parent,
 * then stays alive until told to go: its reservations last as long as it does.
 */
import { freePort } from "../../src/ports";

const ports: number[] = [];
for (let i = 0; i < Number(process.argv[2]); i++) ports.push(await freePort());
process.send?.(ports);
process.on("message", () => process.exit(0));
