/** `baton devnet|chaos|bench|sim` without @baton/devnet installed: one line naming the command. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { UsageError } from "../../src/args.js";
import { isMissingPackage, loadDevnet, type DevnetModule } from "../../src/devnetTools.js";

const test = suite("devnet tools: lazy and optional");

const notFound = (what: string) =>
  Object.assign(new Error(`Cannot find package '${what}' imported from /app/packages/cli/src/devnetTools.ts`), { code: "ERR_MODULE_NOT_FOUND" });

test("installed: the module itself", async () => {
  const devnet = await loadDevnet("devnet");
  assert.type(devnet.startDevnet, "function");
  assert.type(devnet.sim.runSim, "function");
});

test("not installed: a UsageError naming the command and what to do", async () => {
  try {
    await loadDevnet("bench", () => Promise.reject(notFound("@baton/devnet")));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, UsageError);
    assert.match((e as Error).message, /^bench needs @baton\/devnet \(the devnet, chaos, bench and sim tools\), which is not installed: .*pnpm install/);
  }
});

test("a missing module inside the tools is not reported as the tools missing", async () => {
  const inner = notFound("pino");
  try {
    await loadDevnet("devnet", () => Promise.reject(inner) as Promise<DevnetModule>);
    assert.unreachable();
  } catch (e) {
    assert.is(e, inner);
  }
  assert.not.ok(isMissingPackage(new Error("Cannot find package '@baton/devnet'"), "@baton/devnet"));
  assert.ok(isMissingPackage(notFound("@baton/devnet"), "@baton/devnet"));
});

test.run();
