/**
 * CPU time per process, from /proc (Linux): user + system seconds of every thread of the process
 * (a Node process with its worker threads, a JVM with all of its threads). Divided by the requests a
 * phase completed, it says what each request cost in CPU — a figure that, unlike throughput, barely
 * moves when other work shares the machine.
 */
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds a process has used so far, or undefined when /proc cannot tell. */
export function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start at "state"; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** CPU seconds the whole machine spent busy (not idle or waiting), from /proc/stat. */
export function machineBusySeconds(): number | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const [, ...values] = line.trim().split(/\s+/);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = values.map(Number);
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

export interface CpuMeter {
  /** CPU seconds each named process used since the meter started (and the machine's busy seconds). */
  stop(): Record<string, number | undefined>;
}

/** Starts counting the CPU of the given processes (by pid; `self` is this process). */
export function cpuMeter(pids: Record<string, number | undefined>): CpuMeter {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSecondsOf(pid)]));
  const machineBefore = machineBusySeconds();
  return {
    stop() {
      const used: Record<string, number | undefined> = {};
      for (const [name, pid] of Object.entries(pids)) {
        const start = before[name];
        const end = cpuSecondsOf(pid);
        used[name] = start === undefined || end === undefined ? undefined : end - start;
      }
      const machineAfter = machineBusySeconds();
      used.machine = machineBefore === undefined || machineAfter === undefined ? undefined : machineAfter - machineBefore;
      return used;
    },
  };
}

/** "AMD EPYC, 2 cores, load 1.2" — what every figure is stated beside. */
export function hostLine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? "unknown CPU"}, ${cpu.length} cores, load ${loadavg()[0]?.toFixed(1) ?? "n/a"}`;
}
