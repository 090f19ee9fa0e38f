/**
 * Package boundaries (issue 10): the workspace itself passes the check, and the check catches
 * each kind of violation on small in-memory workspaces.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { checkWorkspace, findCycles, ImportKind, importsOf, loadWorkspace, type SourceFile, type Workspace, type WorkspacePackage } from "./boundaries.js";

// BATON_BOUNDARIES_ROOT checks another tree (a copy from before a change) with this test
const ROOT = process.env.BATON_BOUNDARIES_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), "../..");

const repo = suite("boundaries: this workspace");

repo("no relative import leaves its package, every workspace import is declared and exported, no cycle", () => {
  const ws = loadWorkspace(ROOT);
  assert.ok(ws.files.length > 100, `scanned only ${ws.files.length} files`);
  assert.ok(ws.packages.length >= 5, `found only ${ws.packages.map((p) => p.name).join(", ")}`);
  const problems = checkWorkspace(ws);
  assert.ok(problems.length === 0, `${problems.length} boundary violation(s):\n${problems.join("\n")}\n`);
});

repo.run();

// ---- the rules, on fixtures ----

const pkg = (name: string, dir: string, manifest: Record<string, unknown> = {}): WorkspacePackage => ({
  name,
  dir,
  manifest: { name, ...(dir === "" ? {} : { exports: { ".": { source: "./src/index.ts", default: "./dist/index.js" } } }), ...manifest },
});
const file = (path: string, ...imports: [string, ImportKind?][]): SourceFile => ({
  path,
  imports: imports.map(([specifier, kind], i) => ({ specifier, kind: kind ?? ImportKind.value, line: i + 1 })),
});
const dep = (...names: string[]) => Object.fromEntries(names.map((n) => [n, "workspace:*"]));

/** root + core ← node, client ← cli, and a devnet tool package on top; cli loads devnet lazily. */
function workspace(files: SourceFile[], overrides: Record<string, Record<string, unknown>> = {}): Workspace {
  const packages = [
    pkg("root", "", { devDependencies: dep("@x/cli", "@x/client", "@x/core", "@x/devnet", "@x/node") }),
    pkg("@x/core", "packages/core", { exports: { ".": { source: "./src/index.ts", default: "./dist/index.js" }, "./testing": "./test/helpers.ts" } }),
    pkg("@x/node", "packages/node", { dependencies: dep("@x/core") }),
    pkg("@x/client", "packages/client", { dependencies: dep("@x/core") }),
    pkg("@x/cli", "packages/cli", { dependencies: dep("@x/core", "@x/node"), devDependencies: dep("@x/devnet") }),
    pkg("@x/devnet", "packages/devnet", { dependencies: dep("@x/core", "@x/node") }),
  ].map((p) => (overrides[p.name] ? { ...p, manifest: { ...p.manifest, ...overrides[p.name] } } : p));
  const existing = new Set(["packages/core/src/index.ts", "packages/core/test/helpers.ts", "packages/node/src/index.ts", "packages/client/src/index.ts", "packages/cli/src/index.ts", "packages/devnet/src/index.ts"]);
  return { packages, files, fileExists: (p) => existing.has(p) };
}

const rules = suite("boundaries: rules");

const clean: [string, SourceFile][] = [
  ["a relative import inside the package", file("packages/node/src/chain/chain.ts", ["../db/index.js"], ["./store.js"])],
  ["a package's test importing its own src", file("packages/node/test/unit/x.test.ts", ["../../src/chain/index.js"])],
  ["a declared dependency by name", file("packages/node/src/x.ts", ["@x/core"])],
  ["an exported subpath", file("packages/node/test/unit/x.test.ts", ["@x/core/testing"])],
  ["a dev dependency loaded lazily", file("packages/cli/src/commands/devnet.ts", ["@x/devnet", ImportKind.dynamic])],
  ["a dev dependency's types", file("packages/cli/src/commands/sim.ts", ["@x/devnet", ImportKind.type])],
  ["a dev dependency in a test", file("packages/cli/test/unit/x.test.ts", ["@x/devnet"])],
  ["root-level code importing packages by name", file("docker/entrypoint.ts", ["@x/cli"], ["./cluster.js"])],
  ["root tests importing each other", file("test/docker/compose.test.ts", ["../e2e/helpers.js"], ["../../docker/cluster.js"])],
  ["external packages", file("packages/node/src/x.ts", ["libp2p"], ["node:fs"], ["@other/thing"])],
];
for (const [what, f] of clean) {
  rules(`allowed: ${what}`, () => assert.equal(checkWorkspace(workspace([f])), []));
}

const broken: [string, SourceFile[], Record<string, Record<string, unknown>>, RegExp[]][] = [
  [
    "a relative import into another package's source",
    [file("packages/devnet/src/bridge.ts", ["../../client/src/keys.js"])],
    {},
    [/^packages\/devnet\/src\/bridge\.ts:1: import "\.\.\/\.\.\/client\/src\/keys\.js" leaves @x\/devnet for @x\/client's packages\/client\/src\/keys\.js: import "@x\/client"/],
  ],
  [
    "root-level code reaching into a package by path",
    [file("docker/entrypoint.ts", ["../packages/cli/src/main.js"])],
    {},
    [/^docker\/entrypoint\.ts:1: import "\.\.\/packages\/cli\/src\/main\.js" leaves root for @x\/cli's/],
  ],
  [
    "another package's test helpers by path",
    [file("packages/node/test/unit/api.test.ts", ["../../../core/test/helpers.js"])],
    {},
    [/leaves @x\/node for @x\/core's packages\/core\/test\/helpers\.js/],
  ],
  [
    "a subpath the package does not export",
    [file("packages/devnet/src/bench/sync.ts", ["@x/node/src/db/index.js"])],
    {},
    [/sync\.ts:1: import "@x\/node\/src\/db\/index\.js": @x\/node does not export "\.\/src\/db\/index\.js" \(exports: \.\)/],
  ],
  [
    "test fixtures imported from src",
    [file("packages/node/src/chain/x.ts", ["@x/core/testing"])],
    {},
    [/^packages\/node\/src\/chain\/x\.ts:1: import "@x\/core\/testing": that export is @x\/core's test code \(\.\/test\/helpers\.ts\); only tests may import it$/],
  ],
  [
    "an undeclared workspace dependency",
    [file("packages/devnet/src/x.ts", ["@x/client", ImportKind.dynamic])],
    {},
    [/^packages\/devnet\/src\/x\.ts:1: import "@x\/client": @x\/client is not declared in packages\/devnet\/package\.json$/],
  ],
  [
    "a static import of a dev dependency from src (the operator's install lacks it)",
    [file("packages/cli/src/commands/devnet.ts", ["@x/devnet"])],
    {},
    [/devnet\.ts:1: static import of "@x\/devnet", which @x\/cli lists only in devDependencies: load it lazily with import\(\)/],
  ],
  [
    "exports pointing at a file that does not exist",
    [],
    { "@x/cli": { exports: { ".": { source: "./src/index.ts", default: "./dist/index.js" }, "./extra": { source: "./src/extra.ts", default: "./dist/extra.js" } } } },
    [
      /^packages\/cli\/package\.json: exports\["\.\/extra"\] points at \.\/src\/extra\.ts, whose source \.\/src\/extra\.ts does not exist$/,
      /^packages\/cli\/package\.json: exports\["\.\/extra"\] points at \.\/dist\/extra\.js, whose source \.\/src\/extra\.ts does not exist$/,
    ],
  ],
  [
    "a public face other than src/index.ts (compiled to dist/index.js)",
    [],
    { "@x/node": { exports: { ".": "./lib/main.ts" } } },
    [/^packages\/node\/package\.json: exports\["\."\] must be \{"source": "\.\/src\/index\.ts", "default": "\.\/dist\/index\.js"\}/, /points at \.\/lib\/main\.ts, whose source \.\/lib\/main\.ts does not exist/],
  ],
  [
    "a cycle made by a relative import (cli depends on devnet, devnet reads cli's source)",
    [file("packages/devnet/src/bridge.ts", ["../../cli/src/api.js"])],
    {},
    [/leaves @x\/devnet for @x\/cli's/, /^cycle between packages: @x\/cli → @x\/devnet → @x\/cli \(@x\/cli → @x\/devnet: packages\/cli\/package\.json devDependencies; @x\/devnet → @x\/cli: packages\/devnet\/src\/bridge\.ts:1 imports \.\.\/\.\.\/cli\/src\/api\.js\)$/],
  ],
  [
    "a cycle of declared dependencies",
    [],
    { "@x/core": { devDependencies: dep("@x/node") } },
    [/^cycle between packages: @x\/core → @x\/node → @x\/core \(@x\/core → @x\/node: packages\/core\/package\.json devDependencies; @x\/node → @x\/core: packages\/node\/package\.json dependencies\)$/],
  ],
];
for (const [what, files, overrides, expected] of broken) {
  rules(`caught: ${what}`, () => {
    const problems = checkWorkspace(workspace(files, overrides));
    assert.is(problems.length, expected.length, problems.join("\n"));
    expected.forEach((re, i) => assert.match(problems[i], re));
  });
}

rules("findCycles: one cycle per strongly connected component, none in a DAG", () => {
  const e = (from: string, to: string) => ({ from, to, why: "" });
  assert.equal(findCycles(["a", "b", "c"], [e("a", "b"), e("b", "c"), e("a", "c")]), []);
  const cycles = findCycles(["a", "b", "c", "d"], [e("a", "b"), e("b", "c"), e("c", "a"), e("c", "d"), e("d", "d")]);
  assert.equal(cycles.map((c) => c.map((x) => `${x.from}>${x.to}`)), [["a>b", "b>c", "c>a"]]);
});

rules.run();

// ---- reading imports ----

const parse = suite("boundaries: imports of a file");

parse("every form of import, each with its kind and line; comments and strings are not imports", () => {
  const text = [
    'import "./side-effect.js";',
    'import { a } from "./a.js";',
    'import type { B } from "./b.js";',
    'export { c } from "./c.js";',
    'export type { D } from "./d.js";',
    'export * as e from "./e.js";',
    'const f = await import("./f.js");',
    'type G = typeof import("./g.js");',
    'const h = import.meta.resolve("./h.js");',
    '// import { x } from "../../not/an/import.js";',
    'const s = "import { y } from \'../../nor/this.js\'";',
    "/* export * from '../../nor/that.js'; */",
  ].join("\n");
  assert.equal(
    importsOf("x.ts", text).map((i) => [i.specifier, i.kind, i.line]),
    [
      ["./side-effect.js", ImportKind.value, 1],
      ["./a.js", ImportKind.value, 2],
      ["./b.js", ImportKind.type, 3],
      ["./c.js", ImportKind.value, 4],
      ["./d.js", ImportKind.type, 5],
      ["./e.js", ImportKind.value, 6],
      ["./f.js", ImportKind.dynamic, 7],
      ["./g.js", ImportKind.type, 8],
      ["./h.js", ImportKind.resolve, 9],
    ],
  );
});

parse.run();
