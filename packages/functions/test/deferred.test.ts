import { describe, expect, it } from "vitest";
import { deferred } from "../src/api/deferred";

interface Greeter {
  greet(name: string): Promise<string>;
  count(): Promise<number>;
}

function loader(failures = 0) {
  let loads = 0;
  let calls = 0;
  const load = async (): Promise<Greeter> => {
    loads++;
    if (loads <= failures) throw new Error(`load ${loads} failed`);
    return { greet: async (name) => `hello ${name}`, count: async () => ++calls };
  };
  return { load, loads: () => loads };
}

describe("a deferred port", () => {
  it("loads nothing until a method is called, then loads once for every later call", async () => {
    const { load, loads } = loader();
    const port = deferred(load);
    expect(loads()).toBe(0);
    await expect(Promise.all([port.greet("a"), port.greet("b"), port.count()])).resolves.toEqual(["hello a", "hello b", 1]);
    await expect(port.count()).resolves.toBe(2);
    expect(loads()).toBe(1);
  });

  it("fails the call when its load fails, and loads again on the next call", async () => {
    const { load, loads } = loader(1);
    const port = deferred(load);
    await expect(port.greet("a")).rejects.toThrow("load 1 failed");
    await expect(port.greet("b")).resolves.toBe("hello b");
    expect(loads()).toBe(2);
  });

  it("is not a thenable, so awaiting it or returning it from an async function does not call the adapter", async () => {
    const { load, loads } = loader();
    const port = deferred(load);
    const same = await (async () => port)();
    expect(same).toBe(port);
    expect(loads()).toBe(0);
  });
});
