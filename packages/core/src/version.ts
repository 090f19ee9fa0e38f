/**
 * Baton's version: what `baton --version`, GET /version, /status and the baton_build_info
 * metric report. Every package.json of the workspace carries the same version
 * (test/unit/version.test.ts checks it); bump them together.
 */
export const BATON_VERSION = "0.1.0";
