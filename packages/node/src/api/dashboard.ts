/**
 * GET / : the live dashboard (dashboardPage.ts). The page is built once per server; a
 * Content-Security-Policy lets only its own inline script run (by hash) and only talk to
 * this node's API.
 */
import { createHash } from "node:crypto";
import type { ChainConfig } from "@baton/core";
import { dashboardHtml } from "./dashboardPage.js";
import { DASHBOARD_JS } from "./dashboardScript.js";
import type { FastifyReply } from "fastify";

export function dashboardHandler(config: Pick<ChainConfig, "chainId" | "genesisTime" | "slotMs" | "slotsPerEpoch">) {
  const html = dashboardHtml({ chainId: config.chainId, genesisTime: config.genesisTime, slotMs: config.slotMs, slotsPerEpoch: config.slotsPerEpoch });
  const body = Buffer.from(html, "utf8");
  const scriptHash = createHash("sha256").update(DASHBOARD_JS, "utf8").digest("base64");
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${scriptHash}'`,
    "style-src 'unsafe-inline'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  return (_req: unknown, reply: FastifyReply): void => {
    void reply
      .headers({ "cache-control": "no-cache", "content-security-policy": csp, "x-content-type-options": "nosniff" })
      .type("text/html; charset=utf-8")
      .send(body);
  };
}
