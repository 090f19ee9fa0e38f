/**
 * Network faults as nftables rules inside one host's network namespace (a test host of
 * netns-hosts.sh, or a container's namespace via nsenter). Each fault kind has its own table,
 * so a split, a cut and packet loss can be in force at once and healed one by one.
 */
export type NftExec = (host: number, args: string[]) => Promise<void>;

export const NFT_TABLES = { cut: "baton_chaos_cut", split: "baton_chaos_split", loss: "baton_chaos_loss" } as const;
export type NftFault = keyof typeof NFT_TABLES;

/** The nft commands (one argument list each) that install a fault's table. Pure. */
export function nftRules(fault: NftFault, opts: { drop?: string[]; lossPct?: number; iface?: string }): string[][] {
  const table = NFT_TABLES[fault];
  const cmds: string[][] = [
    ["add", "table", "inet", table],
    ["add", "chain", "inet", table, "in", "{ type filter hook input priority -10 ; policy accept ; }"],
    ["add", "chain", "inet", table, "out", "{ type filter hook output priority -10 ; policy accept ; }"],
  ];
  if (fault === "loss") {
    const pct = opts.lossPct ?? 0;
    if (!(pct > 0 && pct < 100)) throw new RangeError(`loss: percent must be in (0, 100), got ${pct}`);
    cmds.push(["add", "rule", "inet", table, "in", "iifname", opts.iface ?? "eth0", "numgen", "random", "mod", "100", "<", String(pct), "drop"]);
    return cmds;
  }
  const addrs = opts.drop ?? [];
  if (addrs.length === 0) throw new RangeError(`${fault}: no addresses to drop`);
  const set = `{ ${addrs.join(", ")} }`;
  cmds.push(["add", "rule", "inet", table, "in", "ip", "saddr", set, "drop"]);
  cmds.push(["add", "rule", "inet", table, "out", "ip", "daddr", set, "drop"]);
  return cmds;
}

export async function nftApply(exec: NftExec, host: number, fault: NftFault, opts: { drop?: string[]; lossPct?: number; iface?: string }): Promise<void> {
  await nftHeal(exec, host, fault);
  for (const c of nftRules(fault, opts)) await exec(host, c);
}

export async function nftHeal(exec: NftExec, host: number, fault: NftFault): Promise<void> {
  await exec(host, ["delete", "table", "inet", NFT_TABLES[fault]]).catch(() => undefined);
}
