/** One version: every package.json of the workspace carries @baton/core's BATON_VERSION, and `baton --version` prints it. */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BATON_VERSION } from "@baton/core";
import { suite } from "uvu";
import * as assert from "uvu/assert";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const test = suite("version");

test("every package.json has BATON_VERSION", () => {
  for (const dir of readdirSync(join(ROOT, "packages"))) {
    const manifest = JSON.parse(readFileSync(join(ROOT, "packages", dir, "package.json"), "utf8")) as { version?: string };
    assert.is(manifest.version, BATON_VERSION, `packages/${dir}/package.json`);
  }
});

test("the compiled baton --version prints it (and -V, and baton version)", () => {
  for (const arg of ["--version", "-V", "version"]) {
    const out = execFileSync(process.execPath, [join(ROOT, "packages/cli/dist/bin.js"), arg], { cwd: ROOT, encoding: "utf8" });
    assert.is(out.trim(), `baton ${BATON_VERSION}`, arg);
  }
});

test.run();
