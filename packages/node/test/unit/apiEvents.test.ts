/** GET /events' hub (eventStream.ts): ids, the replay ring, topics, heartbeat, slow clients, and its parameters. */
import { EventEmitter } from "node:events";
import { ApiError, type ApiEventName } from "@baton/api";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { EventHub, EventRing, parseLastEventId, parseTopics, type SseSink, type StreamEvent } from "../../src/api/eventStream.js";

const test = suite("api: event stream hub");

/** A sink that records what it is sent. */
class Sink implements SseSink {
  text = "";
  ended = false;
  destroyed = false;
  writableLength = 0;
  private readonly closers: (() => void)[] = [];
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
  on(_event: "close", listener: () => void): this {
    this.closers.push(listener);
    return this;
  }
  close(): void {
    for (const c of this.closers) c();
  }
  /** the events in the text, in order */
  events(): { id: number; name: string; data: unknown }[] {
    return [...this.text.matchAll(/id: (\d+)\nevent: (\w+)\ndata: (.*)\n\n/g)].map((m) => ({ id: Number(m[1]), name: m[2], data: JSON.parse(m[3]) }));
  }
}

const opts = (o: Partial<ConstructorParameters<typeof EventHub>[1]> = {}) => ({ replaySize: 8, heartbeatMs: 60_000, firstId: 100, maxBufferedBytes: 1_000, ...o });
const head = (height: number) => ({ root: `0x${"ab".repeat(32)}`, slot: height, height });

test("every event gets the next id; the batch event leaves out the decoded batch", () => {
  const chain = new EventEmitter();
  const hub = new EventHub(chain, opts());
  const sink = new Sink();
  hub.subscribe(sink, null, null);
  assert.match(sink.text, /^: baton events\nretry: \d+\n\n/);
  chain.emit("batch", { root: "0x01", slot: 1, height: 1, proposer: 0, txs: 0, source: "produced", importedAt: 5, batch: { huge: true } });
  chain.emit("head", head(1));
  chain.emit("equivocation", { not: "streamed" });
  assert.equal(
    sink.events().map((e) => [e.id, e.name]),
    [
      [100, "batch"],
      [101, "head"],
    ],
  );
  assert.not.ok("batch" in (sink.events()[0].data as object));
  assert.is(hub.nextEventId, 102);
  hub.close();
  assert.ok(sink.ended);
});

test("replay: the kept events after Last-Event-ID, in order, then live ones; nothing twice", () => {
  const chain = new EventEmitter();
  const hub = new EventHub(chain, opts());
  for (let h = 1; h <= 5; h++) chain.emit("head", head(h)); // ids 100..104
  const sink = new Sink();
  hub.subscribe(sink, null, 101);
  chain.emit("head", head(6)); // 105
  assert.equal(
    sink.events().map((e) => e.id),
    [102, 103, 104, 105],
  );
  // the latest id: nothing to replay
  const upToDate = new Sink();
  hub.subscribe(upToDate, null, 105);
  assert.equal(upToDate.events(), []);
  hub.close();
});

test("an id the ring no longer holds, or from another process, replays everything kept (with a note on the gap)", () => {
  const chain = new EventEmitter();
  const hub = new EventHub(chain, opts({ replaySize: 4 }));
  for (let h = 1; h <= 10; h++) chain.emit("head", head(h)); // ids 100..109, kept 106..109
  const old = new Sink();
  hub.subscribe(old, null, 101);
  assert.equal(
    old.events().map((e) => e.id),
    [106, 107, 108, 109],
  );
  assert.match(old.text, ": replay from id 106");
  const fromBefore = new Sink(); // a previous process's ids are lower than this one's first
  hub.subscribe(fromBefore, null, 0);
  assert.is(fromBefore.events().length, 4);
  assert.not.match(fromBefore.text, ": replay from", "no note: nothing of this process was lost");
  const fromFuture = new Sink();
  hub.subscribe(fromFuture, null, 5_000);
  assert.is(fromFuture.events().length, 4);
  hub.close();
});

test("topics: only the chosen events, replayed and live; ids stay global", () => {
  const chain = new EventEmitter();
  const hub = new EventHub(chain, opts());
  chain.emit("head", head(1)); // 100
  chain.emit("confirmed", head(0)); // 101
  const sink = new Sink();
  hub.subscribe(sink, new Set<ApiEventName>(["confirmed"]), 99);
  chain.emit("head", head(2)); // 102
  chain.emit("confirmed", head(1)); // 103
  assert.equal(
    sink.events().map((e) => [e.id, e.name]),
    [
      [101, "confirmed"],
      [103, "confirmed"],
    ],
  );
  hub.close();
});

test("a closed client gets nothing more; a client that does not read is cut off", () => {
  const chain = new EventEmitter();
  const hub = new EventHub(chain, opts());
  const gone = new Sink();
  const slow = new Sink();
  hub.subscribe(gone, null, null);
  hub.subscribe(slow, null, null);
  assert.is(hub.clientCount, 2);
  gone.close();
  slow.writableLength = 5_000;
  chain.emit("head", head(1));
  assert.is(hub.clientCount, 0);
  assert.ok(slow.destroyed);
  assert.equal(gone.events(), []);
  hub.close();
});

test("heartbeat: `: ping` to every client", async () => {
  const chain = new EventEmitter();
  const hub = new EventHub(chain, opts({ heartbeatMs: 20 }));
  const sink = new Sink();
  hub.subscribe(sink, null, null);
  await new Promise((r) => setTimeout(r, 70));
  hub.close();
  assert.ok((sink.text.match(/: ping\n\n/g) ?? []).length >= 2, sink.text);
  assert.is(chain.listenerCount("head"), 0, "close() stops listening");
});

test("the ring keeps the newest `capacity` events, oldest first", () => {
  const ring = new EventRing(3);
  const ev = (id: number): StreamEvent => ({ id, name: "head", data: "{}" });
  assert.is(ring.oldestId(), null);
  for (let id = 1; id <= 5; id++) ring.push(ev(id));
  assert.is(ring.size, 3);
  assert.is(ring.oldestId(), 3);
  assert.equal(
    ring.after(0).map((e) => e.id),
    [3, 4, 5],
  );
  assert.equal(
    ring.after(4).map((e) => e.id),
    [5],
  );
});

const invalid = (fn: () => unknown, message: RegExp) => {
  try {
    fn();
  } catch (e) {
    assert.instance(e, ApiError);
    assert.is((e as ApiError).code, "INVALID_PARAM");
    assert.match((e as Error).message, message);
    return;
  }
  assert.unreachable("accepted");
};

test("?topics: a comma list of event names; an unknown one is named", () => {
  assert.is(parseTopics(undefined), null);
  assert.equal([...parseTopics(" batch, head ,")!], ["batch", "head"]);
  invalid(() => parseTopics("batch,heads"), /topics: unknown topic "heads"/);
  invalid(() => parseTopics(","), /topics: expected a comma list/);
});

test("Last-Event-ID: the header wins over ?lastEventId; digits only", () => {
  assert.is(parseLastEventId(undefined, undefined), null);
  assert.is(parseLastEventId("12", "5"), 12);
  assert.is(parseLastEventId("", "5"), 5);
  assert.is(parseLastEventId(undefined, "0"), 0);
  invalid(() => parseLastEventId("abc", undefined), /last-event-id: expected an event id/);
});

test.run();
