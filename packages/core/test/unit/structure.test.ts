/**
 * The shape of packages/core/src, read from the source files (static: nothing is imported).
 * Dependencies point one way, type-only imports included:
 *
 *   transition/ → mechanism/ → state/
 *
 * - no import cycle between two files anywhere in core (a cycle of `import type`s counts);
 * - mechanism/ never imports from transition/ (a mechanism's tx handlers, epoch processing and
 *   params live in its own file or folder under mechanism/; transition/ asks the registry);
 * - state/ (the draft, lists, credits, amounts, state root, tx-check helpers) imports neither;
 * - no file over 400 lines.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";

const test = suite("source structure");

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");
const MAX_LINES = 400;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** The relative specifiers a file imports or re-exports (comments stripped), as paths under src. */
export function importsOf(file: string, text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out: string[] = [];
  for (const m of code.matchAll(/(?:\bfrom\s+|\bimport\s*\(?\s*)"(\.{1,2}\/[^"]+)"/g)) {
    out.push(relative(SRC, resolve(dirname(file), m[1].replace(/\.js$/, ".ts"))));
  }
  return out;
}

const files = sourceFiles(SRC);
const texts = new Map(files.map((f) => [relative(SRC, f), readFileSync(f, "utf8")]));
const graph = new Map([...texts].map(([name, text]) => [name, importsOf(join(SRC, name), text)]));

/** Strongly connected components with more than one file (or a file importing itself): Tarjan. */
function cycles(g: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (g.get(v) ?? []).includes(v)) out.push(scc.sort());
  };
  for (const v of [...g.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

/** One cycle through `start` inside its component, as "a → b → a". */
function cyclePath(g: Map<string, string[]>, scc: string[]): string {
  const inScc = new Set(scc);
  const start = scc[0];
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of g.get(v) ?? []) {
      if (w === start) {
        const path = [start];
        for (let x = v; x !== start; x = prev.get(x)!) path.splice(1, 0, x);
        return [...path, start].join(" → ");
      }
      if (inScc.has(w) && !prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return scc.join(", ");
}

const importsFrom = (folder: string, forbidden: string[]): string[] =>
  [...graph].flatMap(([file, deps]) =>
    file.startsWith(`${folder}/`) ? deps.filter((d) => forbidden.some((f) => d.startsWith(`${f}/`))).map((d) => `${file} imports ${d}`) : [],
  );

test("the scan sees the imports (a sanity check of the parser)", () => {
  assert.ok(files.length > 50, `${files.length} files`);
  assert.ok(graph.get("index.ts")!.includes("transition/index.ts"));
  assert.ok(graph.get("transition/batch.ts")!.some((d) => d.endsWith("draft.ts")));
  assert.equal(importsOf(join(SRC, "x/y.ts"), `import type { A } from "../a.js";\n// from "./no.js"\nexport * from "./b.js";`), ["a.ts", "x/b.ts"]);
});

test("no import cycle between files (type-only imports included)", () => {
  const found = cycles(graph).map((scc) => `${scc.length} files (${scc.join(", ")}), e.g. ${cyclePath(graph, scc)}`);
  assert.equal(found, [], `import cycles:\n  ${found.join("\n  ")}`);
});

test("mechanism/ imports nothing from transition/", () => {
  const found = importsFrom("mechanism", ["transition"]);
  assert.equal(found, [], found.join("\n"));
});

test("state/ imports nothing from mechanism/ or transition/", () => {
  const found = importsFrom("state", ["mechanism", "transition"]);
  assert.equal(found, [], found.join("\n"));
});

test(`no file over ${MAX_LINES} lines`, () => {
  const long = [...texts].filter(([, t]) => t.split("\n").length > MAX_LINES).map(([f, t]) => `${f}: ${t.split("\n").length}`);
  assert.equal(long, [], long.join("\n"));
});

test.run();
