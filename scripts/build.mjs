#!/usr/bin/env node
// `pnpm build`: compiles every package's src/**/*.ts to dist/**/*.js (esbuild, one file per
// source file, ESM for Node 20, with source maps), and docker/*.ts to docker/dist/. What the
// devnet, chaos, bench, docker and `pnpm baton` run is this output under plain `node`; no
// TypeScript loader at run time. Type checking is `pnpm typecheck` (tsc), not this.
// Each package.json exports {"source": "./src/index.ts", "default": "./dist/index.js"}: tests
// and tsx run the sources with `--conditions=source`, everything else the compiled files.
import { readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const quiet = process.argv.includes("--quiet");

/** Every .ts file under `dir` (not .d.ts). */
function sources(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

const units = [
  ...readdirSync(join(root, "packages"))
    .map((name) => join(root, "packages", name))
    .filter((dir) => statSync(join(dir, "src"), { throwIfNoEntry: false })?.isDirectory())
    .map((dir) => ({ src: join(dir, "src"), out: join(dir, "dist") })),
  { src: join(root, "docker"), out: join(root, "docker", "dist"), flat: true },
];

const started = performance.now();
let files = 0;
for (const unit of units) {
  const entryPoints = unit.flat ? readdirSync(unit.src).filter((f) => f.endsWith(".ts")).map((f) => join(unit.src, f)) : sources(unit.src);
  rmSync(unit.out, { recursive: true, force: true });
  await build({
    entryPoints,
    outdir: unit.out,
    outbase: unit.src,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: true,
    bundle: false,
    logLevel: "warning",
  });
  files += entryPoints.length;
}
if (!quiet) {
  const where = units.map((u) => relative(root, u.out)).join(", ");
  process.stderr.write(`build: ${files} files in ${Math.round(performance.now() - started)} ms → ${where}\n`);
}
