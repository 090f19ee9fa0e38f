import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parseFlags, UsageError } from "../../src/args.js";
import { configShow } from "../../src/commands/config.js";
import { formatSyncLine, startCommand } from "../../src/commands/start.js";
import { configFilePath, formatConfig, requireAll, resolveNodeConfig, SETTINGS, type ConfigFile } from "../../src/config.js";
import { parseConfigText } from "../../src/configFile.js";

const PEER = "/ip4/127.0.0.1/tcp/9002/p2p/12D3KooWL4VQiy8adqNeBypatPwRsyGbT9wGeY3mtHaUzMiEaWEz";
const flags = (...argv: string[]) => parseFlags(startCommand.spec, argv).values;
const toml = (text: string, path = "/etc/baton/node.toml"): ConfigFile => parseConfigText(text, path);
const FILE = toml(`
genesis = "testnet.json"
key = "/keys/op.json"
dataDir = "data"
listen = ["/ip4/0.0.0.0/tcp/9100"]
bootstrap = ["${PEER}"]
apiPort = 7100
logLevel = "debug"
`);

const c = suite("config: flags > env > file > defaults");

c("defaults fill what nobody set; required ones are reported missing", () => {
  const r = resolveNodeConfig({ flags: {}, env: {}, file: null, cwd: "/work" });
  assert.equal(r.missing, ["genesis", "dataDir"]);
  assert.is(r.config.key, "none");
  assert.is(r.config.apiPort, 7001);
  assert.equal(r.config.listen, ["/ip4/127.0.0.1/tcp/9001"]);
  assert.equal(r.sources.apiPort, { kind: "default" });
  assert.throws(() => requireAll(r), /^genesis is required: .*\(set --genesis, BATON_GENESIS, or genesis in a config file/);
});

c("the file's relative paths are relative to the file; flags' and env's to the working dir", () => {
  const r = resolveNodeConfig({ flags: flags("--data-dir", "d2"), env: { BATON_GENESIS: "g.json" }, file: FILE, cwd: "/work" });
  const cfg = requireAll(r);
  assert.is(cfg.genesis, "/work/g.json");
  assert.is(cfg.key, "/keys/op.json");
  assert.is(cfg.dataDir, "/work/d2");
  assert.equal(r.sources.genesis, { kind: "env", name: "BATON_GENESIS" });
  assert.equal(r.sources.key, { kind: "file", file: "/etc/baton/node.toml", name: "key" });
  assert.equal(r.sources.dataDir, { kind: "flag", name: "data-dir" });
  const fileOnly = requireAll(resolveNodeConfig({ flags: {}, env: {}, file: FILE, cwd: "/work" }));
  assert.is(fileOnly.genesis, "/etc/baton/testnet.json");
  assert.is(fileOnly.dataDir, "/etc/baton/data");
});

const precedence: [string, Record<string, string | boolean>, Record<string, string>, number, string][] = [
  ["file only", {}, {}, 7100, "file"],
  ["env beats file", {}, { BATON_API_PORT: "7200" }, 7200, "env"],
  ["flag beats env and file", { "api-port": "7300" }, { BATON_API_PORT: "7200" }, 7300, "flag"],
  ["empty env var is unset", {}, { BATON_API_PORT: "" }, 7100, "file"],
];
for (const [name, f, env, port, kind] of precedence) {
  c(`precedence: ${name}`, () => {
    const r = resolveNodeConfig({ flags: f, env, file: FILE, cwd: "/" });
    assert.is(r.config.apiPort, port);
    assert.is(r.sources.apiPort.kind, kind);
  });
}

c("lists: arrays in a file, comma-separated in flags and env; a switch from env", () => {
  const r = resolveNodeConfig({ flags: {}, env: { BATON_BOOTSTRAP: `${PEER}, ${PEER}`, BATON_INSECURE_PLAINTEXT_KEY: "true" }, file: FILE, cwd: "/" });
  assert.equal(r.config.bootstrap, [PEER, PEER]);
  assert.equal(r.config.listen, ["/ip4/0.0.0.0/tcp/9100"]);
  assert.is(r.config.insecurePlaintextKey, true);
  assert.is(resolveNodeConfig({ flags: flags("--insecure-plaintext-key"), env: {}, file: null, cwd: "/" }).config.insecurePlaintextKey, true);
});

const errors: [string, () => unknown, RegExp][] = [
  ["unknown key in the file, with a suggestion", () => resolveNodeConfig({ flags: {}, env: {}, file: toml("apiport = 1"), cwd: "/" }), /^config file \/etc\/baton\/node\.toml: unknown setting "apiport" \(did you mean apiPort\?\); settings: genesis, key/],
  ["kebab-case key in the file", () => resolveNodeConfig({ flags: {}, env: {}, file: toml('"data-dir" = "x"'), cwd: "/" }), /unknown setting "data-dir" \(did you mean dataDir\?\)/],
  ["a table is not a setting", () => resolveNodeConfig({ flags: {}, env: {}, file: toml("[api]\nport = 1"), cwd: "/" }), /unknown setting "api"/],
  ["bad port in the file", () => resolveNodeConfig({ flags: {}, env: {}, file: toml("apiPort = 70000"), cwd: "/" }), /^config file \/etc\/baton\/node\.toml: apiPort: expected an integer in \[0, 65535\], got 70000$/],
  ["port as a string in the file is fine, as text is not", () => resolveNodeConfig({ flags: {}, env: {}, file: toml('apiPort = "seven"'), cwd: "/" }), /apiPort: expected an integer in \[0, 65535\], got "seven"/],
  ["bad port in env", () => resolveNodeConfig({ flags: {}, env: { BATON_API_PORT: "-1" }, file: null, cwd: "/" }), /^BATON_API_PORT: expected an integer in \[0, 65535\], got "-1"$/],
  ["bad port flag", () => resolveNodeConfig({ flags: flags("--api-port", "x"), env: {}, file: null, cwd: "/" }), /^--api-port: expected an integer in \[0, 65535\], got "x"$/],
  ["bootstrap without peer id, in env", () => resolveNodeConfig({ flags: {}, env: { BATON_BOOTSTRAP: "/ip4/1.2.3.4/tcp/9" }, file: null, cwd: "/" }), /^BATON_BOOTSTRAP: expected a multiaddr like \/ip4\/<host>\/tcp\/<port>\/p2p\/<peerId>/],
  ["listen not a list in the file", () => resolveNodeConfig({ flags: {}, env: {}, file: toml("listen = 5"), cwd: "/" }), /config file .*: listen: expected a list of strings, got 5/],
  ["log level", () => resolveNodeConfig({ flags: {}, env: { BATON_LOG_LEVEL: "loud" }, file: null, cwd: "/" }), /^BATON_LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"$/],
  ["switch value", () => resolveNodeConfig({ flags: {}, env: { BATON_INSECURE_PLAINTEXT_KEY: "maybe" }, file: null, cwd: "/" }), /^BATON_INSECURE_PLAINTEXT_KEY: expected true or false/],
  ["mempool size 0", () => resolveNodeConfig({ flags: {}, env: {}, file: toml("mempoolSize = 0"), cwd: "/" }), /mempoolSize: expected an integer in \[1, 10000000\], got 0/],
  ["a file that is not TOML", () => parseConfigText("apiPort = = 1", "/x.toml"), /^config file \/x\.toml: not valid TOML/],
  ["a JSON file that is a list", () => parseConfigText("[1]", "/x.json"), /^config file \/x\.json: expected a table of settings/],
];
for (const [name, fn, re] of errors) {
  c(`error names the setting: ${name}`, () => {
    assert.throws(fn, (e: Error) => e instanceof UsageError && re.test(e.message));
  });
}

c("JSON config files work the same", () => {
  const r = resolveNodeConfig({ flags: {}, env: {}, file: parseConfigText('{"apiPort": 7400, "bootstrap": []}', "/c/node.json"), cwd: "/" });
  assert.is(r.config.apiPort, 7400);
});

c("--config beats BATON_CONFIG", () => {
  assert.equal(configFilePath({ config: "a.toml" }, { BATON_CONFIG: "/b.toml" }, "/w"), { path: "/w/a.toml", from: "--config" });
  assert.equal(configFilePath({}, { BATON_CONFIG: "/b.toml" }, "/w"), { path: "/b.toml", from: "BATON_CONFIG" });
  assert.is(configFilePath({}, {}, "/w"), null);
});

c("config show prints valid TOML that round-trips to the same config, with sources", () => {
  const r = resolveNodeConfig({ flags: flags("--api-port", "7300"), env: { BATON_LOG_LEVEL: "warn" }, file: FILE, cwd: "/" });
  const lines = formatConfig(r, "none");
  const text = lines.join("\n");
  assert.match(text, /^apiPort = 7300 +# --api-port$/m);
  assert.match(text, /^logLevel = "warn" +# \$BATON_LOG_LEVEL$/m);
  assert.match(text, /^dataDir = "\/etc\/baton\/data" +# config file$/m);
  assert.match(text, /^mempoolSize = 50000 +# default$/m);
  assert.match(text, /^# passwordFile = +# not set$/m);
  const again = resolveNodeConfig({ flags: {}, env: {}, file: parseConfigText(text, "/again.toml"), cwd: "/" });
  assert.equal(again.config, r.config);
});

c("every setting has a flag on start and on config show, and an env var", () => {
  for (const s of SETTINGS) {
    assert.ok(startCommand.spec.flags[s.flag], s.flag);
    assert.ok(configShow.spec.flags[s.flag], s.flag);
    assert.match(s.env, /^BATON_[A-Z_]+$/);
  }
});

c("sync progress line", () => {
  assert.is(formatSyncLine({ syncing: false, head: { height: 5 } }), null);
  assert.is(
    formatSyncLine({ syncing: true, head: { height: 2500 }, sync: { targetHeight: 10000, batchesPerSecond: 500, etaSeconds: 15 } }),
    "sync: height 2500 of 10000 (25.0%), 500 batches/s, ETA 15 s",
  );
});
c.run();
