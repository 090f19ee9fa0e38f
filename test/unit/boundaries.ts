/**
 * The package boundaries of the workspace, checked (issue 10: every package has a public face
 * and only that is imported; dependencies point one way):
 *
 * - no relative import leaves its package (`../../cli/src/keys.js` from packages/devnet);
 * - a workspace package is imported by name only through what its package.json `exports`
 *   (`@baton/node`, `@baton/node/polyfill`; never `@baton/node/src/db/index.js`), and an export
 *   of test code (`@baton/core/testing`) only from tests, never from a `src/`;
 * - every workspace package imported is declared in the importer's package.json, and a
 *   static (value) import from a package's `src/` is a runtime dependency (`dependencies`):
 *   a dev or optional dependency may only be loaded lazily with `import()`;
 * - every package's `exports["."]` is its `src/index.ts`, and every export target exists;
 * - the package graph (declared workspace dependencies of every kind, plus what the imports
 *   actually reach) has no cycle.
 *
 * `loadWorkspace(root)` reads the tree (packages from pnpm-workspace.yaml, the root package
 * owning docker/, test/ and scripts/); `checkWorkspace(ws)` is pure and returns one line per
 * violation, naming the file, the line and the import. Run it on any tree:
 *   node --import tsx test/unit/boundaries.ts [root]
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, posix, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";

export enum ImportKind {
  /** `import x from`, `export … from`, `import "x"`, `require()`: loaded with the module */
  value = "value",
  /** `import type`, `export type … from`, `typeof import("x")`: erased */
  type = "type",
  /** `import("x")`: loaded when the code runs */
  dynamic = "dynamic",
  /** `import.meta.resolve("x")`: a path to a module (a child's `--import`) */
  resolve = "resolve",
}

export interface ImportRef {
  specifier: string;
  kind: ImportKind;
  line: number;
}

export type DependencyField = "dependencies" | "devDependencies" | "optionalDependencies" | "peerDependencies";
export const DEPENDENCY_FIELDS: readonly DependencyField[] = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"];

export interface WorkspacePackage {
  name: string;
  /** directory relative to the workspace root ("" for the root package) */
  dir: string;
  /** the package.json as parsed */
  manifest: Record<string, unknown>;
}

export interface SourceFile {
  /** path relative to the workspace root, "/"-separated */
  path: string;
  imports: ImportRef[];
}

export interface Workspace {
  packages: WorkspacePackage[];
  files: SourceFile[];
  /** whether a file (relative to the root) exists: for export targets */
  fileExists: (path: string) => boolean;
}

const SCANNED_DIRS = ["packages", "docker", "test", "scripts"];
const SOURCE_FILE = /\.(ts|mts|cts|tsx|js|mjs|cjs)$/;

// ---- reading the tree ----

/** The import specifiers of one file, found by TypeScript's parser (comments and strings are not imports). */
export function importsOf(path: string, text: string): ImportRef[] {
  const kind = /\.(ts|mts|cts|tsx)$/.test(path) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind);
  const out: ImportRef[] = [];
  const add = (lit: ts.Node | undefined, k: ImportKind, at: ts.Node) => {
    if (lit && ts.isStringLiteralLike(lit)) out.push({ specifier: lit.text, kind: k, line: sf.getLineAndCharacterOfPosition(at.getStart(sf)).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node.moduleSpecifier, node.importClause?.isTypeOnly ? ImportKind.type : ImportKind.value, node);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node.moduleSpecifier, node.isTypeOnly ? ImportKind.type : ImportKind.value, node);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly ? ImportKind.type : ImportKind.value, node);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, ImportKind.type, node);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], ImportKind.dynamic, node);
      else if (ts.isIdentifier(callee) && callee.text === "require") add(node.arguments[0], ImportKind.value, node);
      else if (
        ts.isPropertyAccessExpression(callee) &&
        callee.name.text === "resolve" &&
        ts.isMetaProperty(callee.expression) &&
        callee.expression.keywordToken === ts.SyntaxKind.ImportKeyword
      ) {
        add(node.arguments[0], ImportKind.resolve, node);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}

/** Package directories from pnpm-workspace.yaml's `packages:` list (`dir/*` and plain directories). */
function workspaceDirs(root: string): string[] {
  const yaml = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const globs: string[] = [];
  let inPackages = false;
  for (const line of yaml.split("\n")) {
    if (/^\S/.test(line)) inPackages = /^packages\s*:/.test(line);
    const m = inPackages ? /^\s+-\s+["']?([^"'#]+?)["']?\s*$/.exec(line) : null;
    if (m) globs.push(m[1]);
  }
  const dirs: string[] = [];
  for (const g of globs) {
    if (g.endsWith("/*")) {
      const base = g.slice(0, -2);
      if (!existsSync(join(root, base))) continue;
      for (const d of readdirSync(join(root, base)).sort()) {
        if (existsSync(join(root, base, d, "package.json"))) dirs.push(`${base}/${d}`);
      }
    } else if (existsSync(join(root, g, "package.json"))) {
      dirs.push(g);
    }
  }
  return dirs;
}

function walk(root: string, dir: string, out: string[]): void {
  const abs = join(root, dir);
  if (!existsSync(abs)) return;
  for (const name of readdirSync(abs).sort()) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const rel = dir === "" ? name : `${dir}/${name}`;
    const st = statSync(join(root, rel));
    if (st.isDirectory()) walk(root, rel, out);
    else if (SOURCE_FILE.test(name) && !name.endsWith(".d.ts")) out.push(rel);
  }
}

/** Reads the workspace at `root`: its packages and the imports of every source file. */
export function loadWorkspace(root: string): Workspace {
  const packages: WorkspacePackage[] = [{ name: String(readJson(join(root, "package.json")).name), dir: "", manifest: readJson(join(root, "package.json")) }];
  for (const dir of workspaceDirs(root)) {
    const manifest = readJson(join(root, dir, "package.json"));
    packages.push({ name: String(manifest.name), dir, manifest });
  }
  const paths: string[] = [];
  for (const d of SCANNED_DIRS) walk(root, d, paths);
  const files = paths.map((path) => ({ path, imports: importsOf(path, readFileSync(join(root, path), "utf8")) }));
  return { packages, files, fileExists: (p) => existsSync(join(root, p)) };
}

// ---- checking it ----

const norm = (p: string): string => p.split(sep).join("/").replace(/^\.\//, "");

/** The package a path belongs to: the one with the longest directory that contains it. */
export function ownerOf(packages: WorkspacePackage[], path: string): WorkspacePackage {
  let best = packages.find((p) => p.dir === "");
  for (const p of packages) {
    if (p.dir !== "" && (path === p.dir || path.startsWith(p.dir + "/")) && (!best || p.dir.length > best.dir.length)) best = p;
  }
  if (!best) throw new Error(`no package owns ${path} (is there a root package.json?)`);
  return best;
}

/** `@baton/node/polyfill` → the workspace package `@baton/node` and subpath `./polyfill`, if it names one. */
function workspaceTarget(packages: WorkspacePackage[], specifier: string): { pkg: WorkspacePackage; subpath: string } | null {
  for (const pkg of packages) {
    if (specifier === pkg.name) return { pkg, subpath: "." };
    if (specifier.startsWith(pkg.name + "/")) return { pkg, subpath: "./" + specifier.slice(pkg.name.length + 1) };
  }
  return null;
}

function exportsMap(manifest: Record<string, unknown>): Record<string, unknown> | null {
  const e = manifest.exports;
  if (e === undefined) return null;
  if (typeof e === "string") return { ".": e };
  if (typeof e === "object" && e !== null && !Object.keys(e).some((k) => k.startsWith("."))) return { ".": e };
  return e as Record<string, unknown>;
}

/** Every file an exports entry can point at (conditions flattened). */
function exportTargets(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(exportTargets);
  if (typeof v === "object" && v !== null) return Object.values(v).flatMap(exportTargets);
  return [];
}

/** The dependency fields of `from`'s package.json that list `to`. */
function declaredIn(from: WorkspacePackage, to: string): DependencyField[] {
  return DEPENDENCY_FIELDS.filter((f) => {
    const deps = from.manifest[f];
    return typeof deps === "object" && deps !== null && to in deps;
  });
}

interface Edge {
  from: string;
  to: string;
  why: string;
}

/** One cycle through every strongly connected component of more than one package (Tarjan). */
export function findCycles(nodes: string[], edges: Edge[]): Edge[][] {
  const out = new Map<string, Edge[]>();
  for (const e of edges) if (e.from !== e.to) out.set(e.from, [...(out.get(e.from) ?? []), e]);
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const strong = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const e of out.get(v) ?? []) {
      if (!index.has(e.to)) {
        strong(e.to);
        low.set(v, Math.min(low.get(v)!, low.get(e.to)!));
      } else if (onStack.has(e.to)) {
        low.set(v, Math.min(low.get(v)!, index.get(e.to)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1) components.push(c);
    }
  };
  for (const n of nodes) if (!index.has(n)) strong(n);
  // within a component, a shortest path from its first member back to itself
  return components.map((c) => {
    const inside = new Set(c);
    const start = [...c].sort()[0];
    const prev = new Map<string, Edge>();
    const queue = [start];
    const seen = new Set([start]);
    while (queue.length > 0) {
      const v = queue.shift()!;
      for (const e of out.get(v) ?? []) {
        if (!inside.has(e.to)) continue;
        if (e.to === start) {
          const path = [e];
          for (let x = v; x !== start; x = prev.get(x)!.from) path.unshift(prev.get(x)!);
          return path;
        }
        if (!seen.has(e.to)) {
          seen.add(e.to);
          prev.set(e.to, e);
          queue.push(e.to);
        }
      }
    }
    return [];
  });
}

/** One line per violation; empty when the boundaries hold. */
export function checkWorkspace(ws: Workspace): string[] {
  const problems: string[] = [];
  const edges: Edge[] = [];
  const names = new Set(ws.packages.map((p) => p.name));

  // each package's public face
  for (const pkg of ws.packages) {
    const where = pkg.dir === "" ? "package.json" : `${pkg.dir}/package.json`;
    const map = exportsMap(pkg.manifest);
    if (pkg.dir !== "") {
      const main = map?.["."] as Record<string, unknown> | undefined;
      if (typeof main !== "object" || main === null || main.source !== "./src/index.ts" || main.default !== "./dist/index.js") {
        problems.push(
          `${where}: exports["."] must be {"source": "./src/index.ts", "default": "./dist/index.js"} (the package's public face, from source and compiled), found ${JSON.stringify(main)}`,
        );
      }
    }
    for (const [sub, target] of Object.entries(map ?? {})) {
      for (const t of exportTargets(target)) {
        // a compiled target (./dist/x.js) exists after `pnpm build`: its source (./src/x.ts) must exist
        const source = /^\.\/dist\/.*\.js$/.test(t) ? t.replace(/^\.\/dist\//, "./src/").replace(/\.js$/, ".ts") : t;
        const file = norm(join(pkg.dir, source));
        if (!ws.fileExists(file)) problems.push(`${where}: exports[${JSON.stringify(sub)}] points at ${t}, whose source ${source} does not exist`);
      }
    }
    for (const f of DEPENDENCY_FIELDS) {
      const deps = pkg.manifest[f];
      if (typeof deps !== "object" || deps === null) continue;
      for (const dep of Object.keys(deps)) if (names.has(dep)) edges.push({ from: pkg.name, to: dep, why: `${where} ${f}` });
    }
  }

  for (const file of ws.files) {
    const owner = ownerOf(ws.packages, file.path);
    const inSrc = owner.dir !== "" && file.path.startsWith(owner.dir + "/src/");
    for (const imp of file.imports) {
      const at = `${file.path}:${imp.line}`;
      if (imp.specifier.startsWith("./") || imp.specifier.startsWith("../") || imp.specifier === "." || imp.specifier === "..") {
        const target = posix.resolve("/", posix.dirname(file.path), imp.specifier).slice(1);
        const targetPkg = ownerOf(ws.packages, target);
        if (targetPkg !== owner) {
          problems.push(
            `${at}: import ${JSON.stringify(imp.specifier)} leaves ${owner.name} for ${targetPkg.name}'s ${target}: ` +
              `import "${targetPkg.name}" (what its exports name) instead`,
          );
          edges.push({ from: owner.name, to: targetPkg.name, why: `${at} imports ${imp.specifier}` });
        }
        continue;
      }
      const ref = workspaceTarget(ws.packages, imp.specifier);
      if (!ref || ref.pkg === owner) continue;
      edges.push({ from: owner.name, to: ref.pkg.name, why: `${at} imports ${imp.specifier}` });
      const map = exportsMap(ref.pkg.manifest);
      if (!map || !(ref.subpath in map)) {
        problems.push(`${at}: import ${JSON.stringify(imp.specifier)}: ${ref.pkg.name} does not export ${JSON.stringify(ref.subpath)} (exports: ${Object.keys(map ?? {}).join(", ") || "none"})`);
      } else if (inSrc && exportTargets(map[ref.subpath]).some((t) => !t.startsWith("./src/") && !t.startsWith("./dist/"))) {
        problems.push(`${at}: import ${JSON.stringify(imp.specifier)}: that export is ${ref.pkg.name}'s test code (${exportTargets(map[ref.subpath]).join(", ")}); only tests may import it`);
      }
      const fields = declaredIn(owner, ref.pkg.name);
      if (fields.length === 0) {
        problems.push(`${at}: import ${JSON.stringify(imp.specifier)}: ${ref.pkg.name} is not declared in ${owner.dir === "" ? "" : owner.dir + "/"}package.json`);
      } else if (inSrc && imp.kind === ImportKind.value && !fields.includes("dependencies") && !fields.includes("peerDependencies")) {
        problems.push(
          `${at}: static import of ${JSON.stringify(imp.specifier)}, which ${owner.name} lists only in ${fields.join(", ")}: ` +
            `load it lazily with import() or make it a runtime dependency`,
        );
      }
    }
  }

  for (const cycle of findCycles([...names], edges)) {
    const path = [cycle[0].from, ...cycle.map((e) => e.to)].join(" → ");
    problems.push(`cycle between packages: ${path} (${cycle.map((e) => `${e.from} → ${e.to}: ${e.why}`).join("; ")})`);
  }
  return problems;
}

// `node --import tsx test/unit/boundaries.ts [root]`: prints the violations, exits 1 if any
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(process.argv[2] ?? join(dirname(new URL(import.meta.url).pathname), "../.."));
  const problems = checkWorkspace(loadWorkspace(root));
  for (const p of problems) console.log(p);
  console.log(problems.length === 0 ? `package boundaries hold (${root})` : `${problems.length} boundary violation(s) in ${root}`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
