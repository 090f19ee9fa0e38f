/**
 * The shipped Prometheus files (docker/prometheus) against the node's real metrics: every
 * metric an alert or the scrape config names exists in createMetrics(), and promtool accepts
 * the rules, the config and the exposition text. promtool is Debian's (`apt-get download
 * prometheus`; .ci/run puts it in .tmp/prom); without it those checks skip unless
 * BATON_REQUIRE_PROMTOOL=1, and the metric-name check always runs.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createMetrics } from "@baton/node";
import { suite } from "uvu";
import * as assert from "uvu/assert";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const RULES = join(ROOT, "docker/prometheus/baton-alerts.yml");
const CONFIG = join(ROOT, "docker/prometheus/prometheus.yml");
const test = suite("prometheus files");

function promtool(): string | null {
  const local = join(ROOT, ".tmp/prom/usr/bin/promtool");
  if (existsSync(local)) return local;
  const found = spawnSync("sh", ["-c", "command -v promtool"], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : null;
}

test("every baton_* metric the alert rules use is one the node exports", async () => {
  const exported = new Set((await createMetrics().registry.getMetricsAsJSON()).map((metric) => metric.name));
  const used = new Set([...readFileSync(RULES, "utf8").matchAll(/\b(baton_[a-z0-9_]+)/g)].map((match) => match[1]));
  assert.ok(used.size >= 8, `only ${used.size} metrics named in the rules`);
  const missing = [...used].filter((name) => !exported.has(name));
  assert.equal(missing, [], "rules name metrics the node does not export");
});

const tool = promtool();
if (tool === null && process.env.BATON_REQUIRE_PROMTOOL !== "1") {
  test("promtool checks (skipped: no promtool here; .ci/run provides it)", () => {});
} else {
  test("promtool check rules / config / metrics accept the shipped files and the node's output", async () => {
    assert.ok(tool, "BATON_REQUIRE_PROMTOOL=1 but no promtool (apt-get download prometheus; see .ci/run)");
    const rules = spawnSync(tool!, ["check", "rules", RULES], { encoding: "utf8" });
    assert.is(rules.status, 0, `promtool check rules: ${rules.stdout}${rules.stderr}`);
    const config = spawnSync(tool!, ["check", "config", "--syntax-only", CONFIG], { encoding: "utf8" });
    assert.is(config.status, 0, `promtool check config: ${config.stdout}${config.stderr}`);
    const dir = mkdtempSync(join(tmpdir(), "baton-promtool-"));
    try {
      const text = await createMetrics({ version: "0.0.0", runtime: "node" }).registry.metrics();
      writeFileSync(join(dir, "metrics.txt"), text);
      const lint = spawnSync("sh", ["-c", `"${tool}" check metrics < "${join(dir, "metrics.txt")}"`], { encoding: "utf8" });
      assert.is(lint.status, 0, `promtool check metrics: ${lint.stdout}${lint.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
