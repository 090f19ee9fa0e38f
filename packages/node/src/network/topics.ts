/** The kinds of gossip Baton carries. String values: they appear in logs and metric labels. */
export enum GossipType {
  tx = "tx",
  batch = "batch",
}

/** Version suffix of every topic; bump it when a payload encoding changes incompatibly. */
export const GOSSIP_TOPIC_VERSION = 1;

export interface GossipTopic {
  chainId: number;
  type: GossipType;
}

/** The topic-name segment of each gossip type (`tx` gossip carries bundles of txs). */
const TOPIC_NAME_BY_TYPE: Record<GossipType, string> = {
  [GossipType.tx]: "txs",
  [GossipType.batch]: "batch",
};

const TYPE_BY_TOPIC_NAME = new Map<string, GossipType>(
  Object.entries(TOPIC_NAME_BY_TYPE).map(([type, name]) => [name, type as GossipType])
);

export class TopicParseError extends Error {
  constructor(
    readonly topic: string,
    reason: string
  ) {
    super(`invalid gossip topic "${topic}": ${reason}`);
    this.name = "TopicParseError";
  }
}

function assertChainId(chainId: number): void {
  if (!Number.isSafeInteger(chainId) || chainId < 0) {
    throw new RangeError(`invalid chainId ${chainId}: expected a non-negative integer`);
  }
}

/** `{chainId: 7, type: tx}` → `/baton/7/txs/1`; `{chainId: 7, type: batch}` → `/baton/7/batch/1`. */
export function stringifyTopic(topic: GossipTopic): string {
  assertChainId(topic.chainId);
  const name = TOPIC_NAME_BY_TYPE[topic.type];
  if (name === undefined) {
    throw new RangeError(`unknown gossip type "${String(topic.type)}"`);
  }
  return `/baton/${topic.chainId}/${name}/${GOSSIP_TOPIC_VERSION}`;
}

/** Inverse of {@link stringifyTopic}; throws {@link TopicParseError} naming what is wrong. */
export function parseTopic(topic: string): GossipTopic {
  const parts = topic.split("/");
  if (parts.length !== 5 || parts[0] !== "" || parts[1] !== "baton") {
    throw new TopicParseError(topic, "expected /baton/<chainId>/<name>/<version>");
  }
  const [, , chainIdStr, name, version] = parts;
  if (!/^(0|[1-9][0-9]*)$/.test(chainIdStr)) {
    throw new TopicParseError(topic, `chain id "${chainIdStr}" is not a decimal integer`);
  }
  const chainId = Number(chainIdStr);
  if (!Number.isSafeInteger(chainId)) {
    throw new TopicParseError(topic, `chain id "${chainIdStr}" is too large`);
  }
  const type = TYPE_BY_TOPIC_NAME.get(name);
  if (type === undefined) {
    throw new TopicParseError(topic, `unknown topic name "${name}"`);
  }
  if (version !== String(GOSSIP_TOPIC_VERSION)) {
    throw new TopicParseError(topic, `unsupported version "${version}"`);
  }
  return {chainId, type};
}
