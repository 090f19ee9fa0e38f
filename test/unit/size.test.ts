/**
 * Sizes (issue 10 "seams"): no source file over 400 lines, no function over 100. Every .ts file
 * git knows of (tracked, or new and not ignored) under packages/<name>/src, docker/ and scripts/
 * is parsed with the TypeScript compiler; every function-like node with a body (declarations,
 * methods, constructors, accessors, function expressions, arrows) is measured from its first
 * token to its closing line. A failure lists each offender as `path:line name (N lines)`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { suite } from "uvu";
import * as assert from "uvu/assert";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 100;
const CHECKED = /^(?:packages\/[^/]+\/src|docker|scripts)\/.+\.ts$/;

interface FunctionSpan {
  name: string;
  /** 1-based line of the function's first token (after its doc comment) */
  line: number;
  lines: number;
}

/** Lines as an editor counts them: a final newline does not start another line. */
function lineCount(text: string): number {
  if (text === "") return 0;
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

/** The .ts files the check covers, relative to the root, sorted; deleted-but-tracked files left out. */
function checkedFiles(root: string): string[] {
  const listed = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
  const paths = new Set(listed.split("\0").filter((path) => CHECKED.test(path) && existsSync(join(root, path))));
  return [...paths].sort();
}

const textOf = (name: ts.PropertyName | ts.BindingName, sourceFile: ts.SourceFile): string =>
  ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) ? name.text : name.getText(sourceFile);

/** The name a reader would look for: its own, the variable or property it is assigned to, Class.member; else anonymous, in its named enclosing function. */
function functionName(node: ts.SignatureDeclaration, sourceFile: ts.SourceFile): string {
  const parent = node.parent;
  const owner = ts.isClassLike(parent) ? `${parent.name?.text ?? "(class)"}.` : "";
  if (ts.isConstructorDeclaration(node)) return `${owner}constructor`;
  if (node.name) return `${owner}${textOf(node.name, sourceFile)}`;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return `${owner}${textOf(parent.name, sourceFile)}`;
  for (let up: ts.Node | undefined = parent; up; up = up.parent) {
    if (ts.isFunctionLike(up) && up.kind !== ts.SyntaxKind.FunctionType) return `(anonymous, in ${functionName(up, sourceFile)})`;
  }
  return "(anonymous)";
}

/** Every function-like node with a body in a file, with its span in lines. */
export function functionSpans(path: string, text: string): FunctionSpan[] {
  const sourceFile = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const spans: FunctionSpan[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const first = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line;
      const last = sourceFile.getLineAndCharacterOfPosition(node.getEnd()).line;
      spans.push({ name: functionName(node, sourceFile), line: first + 1, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return spans;
}

/** One line per file over the limit and per function over the limit: `path:line name (N lines)`. */
export function sizeProblems(files: { path: string; text: string }[]): { longFiles: string[]; longFunctions: string[] } {
  const longFiles: string[] = [];
  const longFunctions: string[] = [];
  for (const { path, text } of files) {
    const lines = lineCount(text);
    if (lines > MAX_FILE_LINES) longFiles.push(`${path} (${lines} lines)`);
    for (const span of functionSpans(path, text)) {
      if (span.lines > MAX_FUNCTION_LINES) longFunctions.push(`${path}:${span.line} ${span.name} (${span.lines} lines)`);
    }
  }
  return { longFiles, longFunctions };
}

const repo = suite("sizes: this repository");

const files = checkedFiles(ROOT).map((path) => ({ path, text: readFileSync(join(ROOT, path), "utf8") }));
const problems = sizeProblems(files);

repo("the scan sees the sources", () => {
  assert.ok(files.length > 100, `scanned only ${files.length} files`);
  for (const dir of ["packages/core/src/", "packages/node/src/", "packages/devnet/src/", "docker/"]) {
    assert.ok(files.some((file) => file.path.startsWith(dir)), `no file under ${dir}`);
  }
});

repo(`no source file over ${MAX_FILE_LINES} lines`, () => {
  assert.ok(problems.longFiles.length === 0, `${problems.longFiles.length} file(s) over ${MAX_FILE_LINES} lines:\n${problems.longFiles.join("\n")}\n`);
});

repo(`no function over ${MAX_FUNCTION_LINES} lines`, () => {
  assert.ok(problems.longFunctions.length === 0, `${problems.longFunctions.length} function(s) over ${MAX_FUNCTION_LINES} lines:\n${problems.longFunctions.join("\n")}\n`);
});

repo.run();

// ---- the measure, on fixtures ----

const measure = suite("sizes: the measure");

const body = (lines: number): string => Array.from({ length: lines }, (_, index) => `  const v${index} = ${index};`).join("\n");

measure("every kind of function with a body, named as a reader would look for it", () => {
  const text = [
    "/** a doc comment is not counted */",
    "export function declared(): void {",
    body(2),
    "}",
    "const arrow = (count: number) => {",
    "  return count;",
    "};",
    "class Store {",
    "  constructor() {}",
    "  get size(): number { return 0; }",
    "  load(): void { [1].map(function () { return 1; }); }",
    "}",
    "const table = { run: () => 1, stop() {} };",
    "declare function bodiless(): void;",
    "type Callback = () => void;",
  ].join("\n");
  assert.equal(
    functionSpans("x.ts", text).map((span) => [span.name, span.line, span.lines]),
    [
      ["declared", 2, 4],
      ["arrow", 6, 3],
      ["Store.constructor", 10, 1],
      ["Store.size", 11, 1],
      ["Store.load", 12, 1],
      ["(anonymous, in Store.load)", 12, 1],
      ["run", 14, 1],
      ["stop", 14, 1],
    ],
  );
});

measure("the limits: 100 lines of function and 400 of file pass, one more fails, named path:line name (N lines)", () => {
  const atLimit = `function fits() {\n${body(MAX_FUNCTION_LINES - 2)}\n}\n`;
  const over = `\n\nexport const tooLong = () => {\n${body(MAX_FUNCTION_LINES - 1)}\n};\n`;
  assert.equal(sizeProblems([{ path: "a.ts", text: atLimit }]), { longFiles: [], longFunctions: [] });
  assert.equal(sizeProblems([{ path: "b.ts", text: over }]).longFunctions, [`b.ts:3 tooLong (${MAX_FUNCTION_LINES + 1} lines)`]);
  const fileAtLimit = `${"//\n".repeat(MAX_FILE_LINES)}`;
  assert.equal(sizeProblems([{ path: "c.ts", text: fileAtLimit }]).longFiles, []);
  assert.equal(sizeProblems([{ path: "d.ts", text: `${fileAtLimit}//` }]).longFiles, [`d.ts (${MAX_FILE_LINES + 1} lines)`]);
});

measure.run();
