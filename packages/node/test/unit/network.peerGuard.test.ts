/**
 * Peers that misbehave are cut off (issue 12): scores, the ban list (by peer id and by
 * address), the connection gater and the per-address cap, against a fake libp2p.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { pino } from "pino";
import { multiaddr } from "@multiformats/multiaddr";
import type { Connection, MultiaddrConnection, PeerId } from "@libp2p/interface";
import { addressKey, isLoopbackIp, normalizeIp } from "../../src/network/addresses.js";
import { defaultPeerGuardOptions, PeerGuard, type PeerGuardOptions } from "../../src/network/peerGuard.js";
import { BanList, OFFENCE_PENALTY, PeerOffence, PeerScoreBook } from "../../src/network/peerScore.js";

const test = suite("network: peer guard");
const logger = pino({ level: "silent" });
const HALF_LIFE = defaultPeerGuardOptions.scoreHalfLifeMs;

interface FakeConn {
  conn: Connection;
  closed: boolean;
}

let nextConnId = 0;

function fakeConn(peer: string, addr: string, direction: "inbound" | "outbound" = "inbound"): FakeConn {
  const fake: FakeConn = { conn: undefined as unknown as Connection, closed: false };
  fake.conn = {
    id: `conn-${nextConnId++}`,
    remotePeer: { toString: () => peer },
    remoteAddr: multiaddr(addr),
    direction,
    close: async () => {
      fake.closed = true;
    },
    abort: () => {
      fake.closed = true;
    },
  } as unknown as Connection;
  return fake;
}

function setup(opts: Partial<PeerGuardOptions> = {}) {
  let clock = 1_000_000;
  const conns: FakeConn[] = [];
  const guard = new PeerGuard({ ...defaultPeerGuardOptions, ...opts }, { logger, now: () => clock });
  guard.attach({ getConnections: () => conns.filter((fake) => !fake.closed).map((fake) => fake.conn), hangUp: async () => {} });
  const gater = guard.gater();
  /** `listed: false`: libp2p's own listener has not added it to getConnections() yet when ours runs */
  const open = (peer: string, addr: string, direction: "inbound" | "outbound" = "inbound", listed = true): FakeConn => {
    const fake = fakeConn(peer, addr, direction);
    if (listed) conns.push(fake);
    guard.onConnectionOpen(fake.conn);
    if (!listed) conns.push(fake);
    return fake;
  };
  const inbound = (addr: string) => gater.denyInboundConnection!({ remoteAddr: multiaddr(addr) } as MultiaddrConnection) as boolean;
  const peerDenied = (peer: string) => gater.denyInboundEncryptedConnection!({ toString: () => peer } as PeerId, {} as MultiaddrConnection) as boolean;
  return { guard, gater, open, inbound, peerDenied, advance: (ms: number) => (clock += ms) };
}

test("addresses: IPv4-mapped IPv6 is its IPv4 address, loopback is 127/8 and ::1, IPv6 counts by /64", () => {
  assert.is(normalizeIp("::ffff:a00:1"), "10.0.0.1");
  assert.is(normalizeIp("::ffff:10.0.0.1"), "10.0.0.1");
  assert.ok(isLoopbackIp("127.0.0.1") && isLoopbackIp("127.3.2.1") && isLoopbackIp("::1") && isLoopbackIp("::ffff:7f00:1"));
  assert.not.ok(isLoopbackIp("10.0.0.1") || isLoopbackIp("::2"));
  assert.is(addressKey("2001:db8:1:2:aaaa::1"), addressKey("2001:db8:1:2:bbbb::9"));
  assert.is.not(addressKey("2001:db8:1:2::1"), addressKey("2001:db8:1:3::1"));
  assert.is(addressKey("::ffff:a00:1"), "10.0.0.1");
});

test("scores: each offence costs its points, the third REJECT reaches the ban threshold, scores halve every half-life", () => {
  let clock = 0;
  const book = new PeerScoreBook(defaultPeerGuardOptions, () => clock);
  assert.is(book.penalise("p", PeerOffence.gossipReject), -OFFENCE_PENALTY.gossip_reject);
  assert.not.ok(book.isBelowThreshold(book.penalise("p", PeerOffence.gossipReject)), "two REJECTs do not ban");
  assert.ok(book.isBelowThreshold(book.penalise("p", PeerOffence.gossipReject)), "the third does");
  book.penalise("q", PeerOffence.gossipReject);
  book.penalise("q", PeerOffence.gossipReject);
  clock += HALF_LIFE;
  assert.is(Math.round(book.score("q")), -40, "halved after one half-life");
  assert.not.ok(book.isBelowThreshold(book.penalise("q", PeerOffence.gossipReject)), "old offences weigh less");
  clock += 20 * HALF_LIFE;
  assert.is(book.score("q"), 0, "forgotten once negligible");
});

test("scores: about ten unresolved parent lookups, or four sync distrusts a minute apart, reach the threshold", () => {
  let clock = 0;
  const book = new PeerScoreBook(defaultPeerGuardOptions, () => clock);
  let lookups = 0;
  while (!book.isBelowThreshold(book.score("l"))) {
    book.penalise("l", PeerOffence.unresolvedParent);
    lookups++;
    clock += 200;
  }
  assert.ok(lookups >= 10 && lookups <= 11, `${lookups} lookups`);
  let distrusts = 0;
  while (!book.isBelowThreshold(book.score("s"))) {
    book.penalise("s", PeerOffence.syncDistrust);
    distrusts++;
    clock += 60_000;
  }
  assert.is(distrusts, 4);
});

test("scores and bans stay bounded: the mildest record and the oldest ban go first", () => {
  const book = new PeerScoreBook({ ...defaultPeerGuardOptions, maxTrackedPeers: 3 });
  book.penalise("worst", PeerOffence.gossipReject);
  book.penalise("worst", PeerOffence.gossipReject);
  for (const peer of ["a", "b", "c"]) book.penalise(peer, PeerOffence.unresolvedParent);
  assert.is(book.size, 3);
  assert.is(Math.round(book.score("worst")), -80, "the worst record is kept");
  let clock = 0;
  const bans = new BanList(2, () => clock);
  bans.banPeer("x", 1_000, "t");
  bans.banPeer("y", 1_000, "t");
  bans.banPeer("z", 1_000, "t");
  assert.not.ok(bans.isPeerBanned("x"), "oldest evicted");
  assert.ok(bans.isPeerBanned("z"));
  clock += 1_000;
  assert.not.ok(bans.isPeerBanned("z"), "expired");
});

test("a banned peer is disconnected, refused by id and by its address, and its ban expires", () => {
  const { guard, gater, open, inbound, peerDenied, advance } = setup();
  const conn = open("evil", "/ip4/10.0.0.7/tcp/4001");
  const honest = open("honest", "/ip4/10.0.0.8/tcp/4001");
  for (let i = 0; i < 3; i++) guard.report("evil", PeerOffence.gossipReject, { code: "TEST" });
  assert.ok(guard.isBanned("evil"));
  assert.ok(conn.closed, "disconnected");
  assert.not.ok(honest.closed, "others untouched");
  assert.ok(peerDenied("evil"), "same id refused after the handshake");
  assert.ok(inbound("/ip4/10.0.0.7/tcp/5555"), "any connection from its address refused, whatever the id");
  assert.not.ok(inbound("/ip4/10.0.0.9/tcp/4001"));
  assert.ok(gater.denyDialPeer!({ toString: () => "evil" } as PeerId), "we do not dial it either");
  assert.ok(gater.denyDialMultiaddr!(multiaddr("/ip4/10.0.0.7/tcp/4001")));
  assert.equal(guard.refused, { bannedPeer: 1, bannedAddress: 1, addressCap: 0 });
  const fresh = open("fresh-id", "/ip4/10.0.0.7/tcp/6000");
  assert.ok(fresh.closed, "a connection that slipped past the gater from a banned address is closed");
  advance(defaultPeerGuardOptions.banDurationMs);
  assert.not.ok(guard.isBanned("evil") || peerDenied("evil") || inbound("/ip4/10.0.0.7/tcp/5555"), "expired");
});

test("loopback is exempt from address bans and the per-address cap by default (local clusters share 127.0.0.1)", () => {
  const { guard, open, inbound, peerDenied } = setup();
  for (let i = 0; i < 16; i++) open(`node${i}`, `/ip4/127.0.0.1/tcp/${9000 + i}`);
  assert.not.ok(inbound("/ip4/127.0.0.1/tcp/9999"), "16 peers on 127.0.0.1 and a 17th still welcome");
  for (let i = 0; i < 3; i++) guard.report("node3", PeerOffence.gossipReject);
  assert.ok(peerDenied("node3"), "the peer id is banned");
  assert.not.ok(inbound("/ip4/127.0.0.1/tcp/9998"), "but not 127.0.0.1");
  assert.equal(
    guard.banList().map((ban) => ban.kind),
    ["peer"],
  );
});

test("guardLoopback: loopback is banned and capped like any address", () => {
  const { guard, open, inbound } = setup({ guardLoopback: true, maxConnectionsPerAddress: 2 });
  open("a", "/ip4/127.0.0.1/tcp/1");
  open("b", "/ip4/127.0.0.1/tcp/2");
  assert.ok(inbound("/ip4/127.0.0.1/tcp/3"), "third connection from 127.0.0.1 refused");
  for (let i = 0; i < 3; i++) guard.report("a", PeerOffence.gossipReject);
  assert.equal(guard.banList().map((ban) => [ban.kind, ban.key]).sort(), [["address", "127.0.0.1"], ["peer", "a"]]);
});

test("per-address cap: the fifth connection from one address is refused, or closed if it slipped past the gater", () => {
  const { guard, open, inbound } = setup();
  const first = [1, 2, 3, 4].map((port) => open(`p${port}`, `/ip4/192.168.1.5/tcp/${port}`));
  assert.ok(inbound("/ip4/192.168.1.5/tcp/5"), "gater refuses the fifth");
  assert.not.ok(inbound("/ip4/192.168.1.6/tcp/5"), "another address is fine");
  const fifth = open("p5", "/ip4/192.168.1.5/tcp/5");
  assert.ok(fifth.closed, "closed on open");
  const sixth = open("p6", "/ip4/192.168.1.5/tcp/6", "inbound", false);
  assert.ok(sixth.closed, "also when it is not listed yet");
  assert.ok(first.every((fake) => !fake.closed));
  assert.is(guard.refused.addressCap, 3);
  const ours = open("p7", "/ip4/192.168.1.5/tcp/7", "outbound");
  assert.not.ok(ours.closed, "our own dials are not refused");
  const v6 = [1, 2, 3, 4].map((host) => open(`q${host}`, `/ip6/2001:db8:0:1::${host}/tcp/1`));
  assert.ok(v6.every((fake) => !fake.closed));
  assert.ok(inbound("/ip6/2001:db8:0:1:ffff::1/tcp/1"), "the same /64 counts as one address");
});

test("a peer cannot wipe its record by reconnecting; the ban covers the address it last came from", () => {
  const { guard, open, inbound } = setup();
  const first = open("hopper", "/ip4/10.1.1.1/tcp/1");
  guard.report("hopper", PeerOffence.gossipReject);
  guard.report("hopper", PeerOffence.gossipReject);
  first.closed = true; // it disconnects
  assert.is(guard.score("hopper"), -80);
  guard.report("hopper", PeerOffence.syncDistrust); // reported while not connected
  assert.ok(guard.isBanned("hopper"));
  assert.ok(inbound("/ip4/10.1.1.1/tcp/2"), "its last address is banned too");
});

test.run();
