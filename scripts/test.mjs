#!/usr/bin/env node
// The test command: typecheck, then every uvu suite group (unit, e2e, cluster), then one
// plain summary line `N passed, N failed` (uvu's own summary is per group). Exits non-zero
// on any failure. `node scripts/test.mjs unit` runs only groups whose name contains "unit".
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { existsSync } from "node:fs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const polyfill = new URL("../packages/node/src/util/polyfill.ts", import.meta.url).href;
const uvu = join(root, "node_modules/uvu/bin.js");
const filter = process.argv[2] ?? "";

const groups = [
  { name: "repo unit", dir: "test/unit" },
  { name: "core unit", dir: "packages/core/test/unit" },
  { name: "api unit", dir: "packages/api/test/unit" },
  { name: "node unit", dir: "packages/node/test/unit" },
  { name: "client unit", dir: "packages/client/test/unit" },
  { name: "cli unit", dir: "packages/cli/test/unit" },
  { name: "devnet unit", dir: "packages/devnet/test/unit" },
  { name: "node e2e", dir: "packages/node/test/e2e" },
  { name: "cluster e2e", dir: "test/e2e" },
  { name: "browser e2e", dir: "test/browser" },
  { name: "chaos e2e", dir: "test/chaos" },
  { name: "docker e2e", dir: "test/docker" },
].filter((g) => g.name.includes(filter) && existsSync(join(root, g.dir)));

function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], ...opts });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on("data", (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on("close", (code) => resolve({ code: code ?? 1, out }));
  });
}

let passed = 0;
let failed = 0;
const t0 = Date.now();

// the e2e, cluster, chaos, docker and bench runs start the compiled `baton` (packages/cli/dist)
console.log("== build");
const built = await run(process.execPath, [join(root, "scripts/build.mjs")]);
if (built.code !== 0) {
  console.log("0 passed, 1 failed");
  process.exit(1);
}

if (!filter || "typecheck".includes(filter)) {
  console.log("== typecheck");
  const tsc = await run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json", "--noEmit"]);
  if (tsc.code === 0) passed++;
  else failed++;
}

if (!filter || "lint".includes(filter)) {
  // biome.json: unused imports and variables, unreachable code, == and friends (no formatter pass yet)
  console.log("== lint (biome)");
  const lint = await run(process.execPath, [join(root, "node_modules/@biomejs/biome/bin/biome"), "lint", "--error-on-warnings"]);
  if (lint.code === 0) passed++;
  else failed++;
}

for (const g of groups) {
  console.log(`== ${g.name} (${g.dir})`);
  // test files run from source (tsx, the "source" export condition); the nodes they start are compiled
  const r = await run(process.execPath, ["--conditions=source", "--import", "tsx", "--import", polyfill, uvu, g.dir, "\\.test\\.ts$"], {
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  const text = r.out.replace(/\x1b\[[0-9;]*m/g, "");
  const total = Number(/Total:\s+(\d+)/.exec(text)?.[1] ?? NaN);
  const ok = Number(/Passed:\s+(\d+)/.exec(text)?.[1] ?? NaN);
  if (Number.isNaN(total) || Number.isNaN(ok)) {
    console.log(`!! ${g.name}: no uvu totals (exit ${r.code}): counted as 1 failure`);
    failed++;
    continue;
  }
  passed += ok;
  // uvu's Total leaves out skipped tests; a suite that skips itself (no engine here) has none
  const f = Math.max(0, total - ok) + (r.code !== 0 && total === ok ? 1 : 0);
  failed += f;
  console.log(`-- ${g.name}: ${ok} passed, ${f} failed`);
}

console.log(`(${((Date.now() - t0) / 1000).toFixed(1)} s)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
