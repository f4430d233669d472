/**
 * CDK-assertions-style reads of a synth: one resource of a type (failing when there are none or
 * several), all of a type, and counts — on what SST's own code registered.
 */
import { expect } from "vitest";
import type { RawResource } from "../synth/raw";
import { synth, type Synth, type SynthOptions } from "../synth/synth";

const cache = new Map<string, Promise<Synth>>();

/** One synth per variant per test file (each is a process running SST's platform code). */
export function synthOf(options: SynthOptions): Promise<Synth> {
  const key = JSON.stringify(options);
  if (!cache.has(key)) cache.set(key, synth(options));
  return cache.get(key)!;
}

/** Wall-clock allowance for a synth's hook on a shared, loaded machine (not a performance bound). */
export const SYNTH_TIMEOUT = 600_000;

export function template(s: Synth) {
  const componentOf = (r: RawResource) => r.parent?.split("::").at(-1);
  const all = (type: string, component?: string) =>
    s.raw.resources.filter((r) => r.type === type && (component === undefined || componentOf(r) === component || r.name === component));
  return {
    all,
    count: (type: string) => all(type).length,
    one(type: string, component?: string) {
      const found = all(type, component);
      expect(found.map((r) => r.name), `exactly one ${type}${component ? ` of ${component}` : ""}`).toHaveLength(1);
      return found[0]!;
    },
  };
}

/** "clean": no error, every provider call mocked, every RPC answered. */
export function expectClean(s: Synth) {
  expect(s.raw.errors, s.log).toEqual([]);
  expect(s.raw.calls.filter((c) => !c.mocked).map((c) => c.token)).toEqual([]);
  expect(s.raw.rpc.filter((c) => !c.answered).map((c) => c.method)).toEqual([]);
}
