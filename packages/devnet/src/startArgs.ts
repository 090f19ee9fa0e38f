/**
 * The one place that writes a node's `baton start` argument list. The launcher, the netns
 * chaos backend, the sync bench and the docker cluster all describe their node as a
 * NodeStartSpec and get its arguments here. The flag names are `baton start`'s (the SETTINGS
 * table in packages/cli/src/config.ts); test/unit/startArgs.test.ts checks each one against
 * `baton start --help`.
 */

/** Everything a devnet tool sets when it starts a node. */
export interface NodeStartSpec {
  genesisFile: string;
  /** the node's key file, or null for a full (non-sequencing) node: `--key none` */
  keyFile: string | null;
  dataDir: string;
  /** p2p listen multiaddr */
  listenAddr: string;
  /** peers to dial (multiaddrs with /p2p/<peerId>); no `--bootstrap` when empty */
  bootstrap: string[];
  apiHost: string;
  apiPort: number;
  /** the metrics listener (on apiHost); none when absent */
  metricsPort?: number;
  logLevel: string;
}

/** Pure: the arguments after the `baton` program, "start" first. */
export function startArgs(spec: NodeStartSpec): string[] {
  return [
    "start",
    ...["--genesis", spec.genesisFile],
    ...["--key", spec.keyFile ?? "none"],
    ...["--data-dir", spec.dataDir],
    ...["--listen", spec.listenAddr],
    ...(spec.bootstrap.length > 0 ? ["--bootstrap", spec.bootstrap.join(",")] : []),
    ...["--api-host", spec.apiHost, "--api-port", String(spec.apiPort)],
    ...(spec.metricsPort === undefined ? [] : ["--metrics-host", spec.apiHost, "--metrics-port", String(spec.metricsPort)]),
    ...["--log-level", spec.logLevel],
  ];
}

/**
 * The argument that shifts a node's slot clock (`baton start --clock-offset-ms`, tests and the
 * chaos skew fault only), for a restart with changed arguments (NodeProcess.restartWith). One
 * `--flag=value` word: a negative value after a space would read as a flag.
 */
export function clockOffsetArgs(offsetMs: number): string[] {
  if (!Number.isSafeInteger(offsetMs)) throw new RangeError(`clock offset ${offsetMs}: expected whole milliseconds`);
  return [`--clock-offset-ms=${offsetMs}`];
}
