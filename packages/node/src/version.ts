/** The node's version (one source: @baton/core's BATON_VERSION). */
export { BATON_VERSION as VERSION } from "@baton/core";
