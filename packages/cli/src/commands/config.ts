/** `baton config show`: the effective settings of `baton start`, and where each one came from. */
import { bool, type CommandSpec } from "../args.js";
import type { Command } from "../command.js";
import { describeSource, formatConfig, settingFlags } from "../config.js";
import { describePasswordSource, passwordSource } from "../password.js";
import { resolveStartConfig } from "./start.js";

const spec: CommandSpec = {
  name: "config show",
  summary: "print the effective config of baton start (flags > env > config file > defaults)",
  flags: { ...settingFlags(), json: { type: "boolean", help: "print JSON {config, sources, missing} instead of TOML" } },
  notes: [
    "Takes the same flags as baton start and reads the same environment and config file, and validates",
    "every value; the TOML it prints is a valid config file. The password itself is never printed.",
  ],
};

export const configShow: Command = {
  spec,
  async run(values, io) {
    const r = await resolveStartConfig(values, process.env, process.cwd());
    const src = passwordSource(
      r.config.passwordFile ? { path: r.config.passwordFile, from: describeSource("passwordFile", r.sources.passwordFile) } : undefined,
      process.env,
    );
    if (bool(values, "json")) {
      io.out(JSON.stringify({ config: r.config, sources: r.sources, missing: r.missing, configFile: r.file, password: describePasswordSource(src) }, null, 2));
    } else {
      for (const line of formatConfig(r, describePasswordSource(src) + (src ? "; the password itself is never shown" : ""))) io.out(line);
    }
    for (const m of r.missing) io.err(`note: ${m} is required by baton start and is not set`);
    return r.missing.length > 0 ? 1 : 0;
  },
};
