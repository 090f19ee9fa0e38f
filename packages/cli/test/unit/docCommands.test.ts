/**
 * Every `pnpm devnet|baton|bench …` command written in README.md and docs/*.md parses: pnpm 10
 * passes a `--` after the script name through to the script, so `pnpm devnet -- --fresh` reached
 * baton as an unknown argument. Each documented command is split into argv and resolved and
 * parsed exactly as `baton` would, without running it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parseFlags } from "../../src/args.js";
import { resolveCommand } from "../../src/main.js";

const test = suite("documented commands");
const root = join(dirname(fileURLToPath(import.meta.url)), "../../../..");
const docs = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** `pnpm [-s] <script> args…` (or `npx -y pnpm@10 <script> …`) in a doc line: the script and its args. */
function documentedCommands(text: string): { line: string; script: string; args: string[] }[] {
  const out: { line: string; script: string; args: string[] }[] = [];
  const re = /(?:npx -y pnpm@10|pnpm)(?: -s)? (devnet|baton|bench)\b([^`|;&#\n]*)/g;
  for (const m of text.matchAll(re)) {
    const args = m[2].trim().split(/\s+/).filter((a) => a !== "" && !a.startsWith("$") && a !== "...");
    out.push({ line: m[0].trim(), script: m[1], args });
  }
  return out;
}

for (const doc of docs) {
  const commands = documentedCommands(readFileSync(join(root, doc), "utf8"));
  if (commands.length === 0) continue;
  test(`${doc}: ${commands.length} commands parse`, () => {
    for (const { line, script, args } of commands) {
      assert.is.not(args[0], "--", `${doc}: "${line}": pnpm 10 passes "--" through to the script`);
      const argv = script === "baton" ? args : [script, ...args];
      if (argv.slice(0, 2).some((a) => a.startsWith("<"))) continue; // `pnpm baton <command> --help`: a pattern, not a command
      try {
        const resolved = resolveCommand(argv);
        if ("help" in resolved) continue; // `pnpm baton --help`, `pnpm baton tx`
        parseFlags(resolved.command.spec, resolved.rest);
      } catch (e) {
        assert.unreachable(`${doc}: "${line}" does not parse: ${(e as Error).message}`);
      }
    }
  });
}

test("the extraction sees a bad one", () => {
  const [bad] = documentedCommands("run `pnpm devnet -- --fresh` now");
  assert.equal(bad.args, ["--", "--fresh"]);
});

test.run();
