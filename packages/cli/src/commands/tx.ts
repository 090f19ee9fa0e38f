/**
 * `baton tx <kind>`: build, sign and POST one tx to a node's API, one subcommand per tx kind a
 * user or an operator sends (commands/tx/: the shared run in command.ts, the kinds by theme).
 */
export { txAdmit, txEvict } from "./tx/governance.js";
export { txBid, txReveal } from "./tx/auction.js";
export { txCommission, txDelegate, txUndelegate } from "./tx/dpos.js";
export { txExit, txRejoin, txSend, txStake, txUnstake } from "./tx/basic.js";
export { txTransfer } from "./tx/transfer.js";
export { committeeEpochOf } from "./tx/command.js";
export { waitIncluded } from "./tx/node.js";
