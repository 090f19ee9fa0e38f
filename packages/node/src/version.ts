/** The node's version: the one in this package's package.json (what /openapi.json, and later /version, report). */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
export const VERSION: string = (require("../package.json") as { version: string }).version;
