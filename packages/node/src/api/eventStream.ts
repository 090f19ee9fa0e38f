/**
 * GET /events: the chain's events as server-sent events, with ids, replay and topics.
 *
 * One EventHub per API server listens to the Chain from the start (not per client), gives
 * every event an id (a counter that grows by one; it starts at the process's start time in ms,
 * so ids keep growing across a restart and a client's old id is never mistaken for a new one),
 * serializes it once, keeps the last EVENT_REPLAY_SIZE in a ring and writes it to every
 * subscribed client whose topics include it. A client that sends Last-Event-ID (EventSource
 * does when it reconnects) first gets the kept events after that id, then the live ones: the
 * replay and the subscription happen in one synchronous step, so nothing is lost or doubled in
 * between. A `: ping` comment goes to every client every EVENT_HEARTBEAT_MS.
 */
import { API_EVENT_NAMES, ApiError, EVENT_HEARTBEAT_MS, EVENT_REPLAY_SIZE, type ApiEventName } from "@baton/api";
import { toJson } from "./server.js";

/** One event as the stream sends it. */
export interface StreamEvent {
  id: number;
  name: ApiEventName;
  /** the JSON of the payload (the batch event without its decoded batch) */
  data: string;
}

/** Where a client's events go: a ServerResponse, or anything with the same few members. */
export interface SseSink {
  write(chunk: string): boolean;
  end(): void;
  destroy(): void;
  readonly writableLength: number;
  on(event: "close", listener: () => void): unknown;
}

/** What the hub listens to (the node's Chain). */
export interface EventSourceLike {
  on(name: ApiEventName, listener: (data: object) => void): unknown;
  off(name: ApiEventName, listener: (data: object) => void): unknown;
}

export interface EventHubOptions {
  /** events kept for replay */
  replaySize: number;
  heartbeatMs: number;
  /** the first event's id */
  firstId: number;
  /** a client with more than this many bytes unsent is cut off (it reconnects and replays) */
  maxBufferedBytes: number;
}

export const defaultEventHubOptions = (): EventHubOptions => ({
  replaySize: EVENT_REPLAY_SIZE,
  heartbeatMs: EVENT_HEARTBEAT_MS,
  firstId: Date.now(),
  maxBufferedBytes: 4 * 1024 * 1024,
});

/** The browser's wait before it reconnects a dropped stream (the stream's `retry:` field). */
export const RETRY_MS = 1_000;

interface Client {
  sink: SseSink;
  topics: ReadonlySet<ApiEventName> | null;
}

export const formatEvent = (e: StreamEvent): string => `id: ${e.id}\nevent: ${e.name}\ndata: ${e.data}\n\n`;

/** A fixed-size ring of the most recent events, oldest first. */
export class EventRing {
  private readonly items: (StreamEvent | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.items = new Array(capacity);
  }

  push(e: StreamEvent): void {
    this.items[(this.start + this.count) % this.capacity] = e;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  get size(): number {
    return this.count;
  }

  /** The kept events with an id above `afterId`, oldest first. */
  after(afterId: number): StreamEvent[] {
    const out: StreamEvent[] = [];
    for (let k = 0; k < this.count; k++) {
      const e = this.items[(this.start + k) % this.capacity]!;
      if (e.id > afterId) out.push(e);
    }
    return out;
  }

  oldestId(): number | null {
    return this.count === 0 ? null : this.items[this.start]!.id;
  }
}

export class EventHub {
  private readonly ring: EventRing;
  private readonly clients = new Set<Client>();
  private readonly unsubscribe: (() => void)[];
  private readonly heartbeat: NodeJS.Timeout;
  private nextId: number;

  constructor(
    source: EventSourceLike,
    private readonly opts: EventHubOptions = defaultEventHubOptions(),
  ) {
    this.ring = new EventRing(opts.replaySize);
    this.nextId = opts.firstId;
    this.unsubscribe = API_EVENT_NAMES.map((name) => {
      const listener = (data: object) => this.publish(name, data);
      source.on(name, listener);
      return () => source.off(name, listener);
    });
    this.heartbeat = setInterval(() => this.broadcast(": ping\n\n", null), opts.heartbeatMs);
    this.heartbeat.unref();
  }

  /** The id the next event gets. */
  get nextEventId(): number {
    return this.nextId;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** The kept events to replay to a client that saw `lastId` (all of them when the id is unknown here). */
  replayAfter(lastId: number, topics: ReadonlySet<ApiEventName> | null = null): StreamEvent[] {
    const oldest = this.ring.oldestId();
    // an id from before the oldest kept event (or from another process), or from the future: all we have
    const known = oldest !== null && lastId >= oldest - 1 && lastId < this.nextId;
    const events = this.ring.after(known ? lastId : -1);
    return topics ? events.filter((e) => topics.has(e.name)) : events;
  }

  /**
   * Starts a client's stream on `sink` (headers already sent): the preamble, the replay after
   * `lastId` (none when null), then every new event of its topics until the sink closes.
   */
  subscribe(sink: SseSink, topics: ReadonlySet<ApiEventName> | null, lastId: number | null): void {
    const replay = lastId === null ? [] : this.replayAfter(lastId, topics);
    // an id of this process that the ring no longer holds: say that some events are gone
    const lost = lastId !== null && lastId >= this.opts.firstId && replay.length > 0 && replay[0].id > lastId + 1;
    const note = lost ? `: replay from id ${replay[0].id} (the events after ${lastId} before it are no longer kept)\n\n` : "";
    sink.write(`: baton events\nretry: ${RETRY_MS}\n\n${note}${replay.map(formatEvent).join("")}`);
    const client: Client = { sink, topics };
    this.clients.add(client);
    sink.on("close", () => this.clients.delete(client));
  }

  /** Ends every stream and stops listening. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const off of this.unsubscribe) off();
    for (const c of this.clients) c.sink.end();
    this.clients.clear();
  }

  private publish(name: ApiEventName, payload: object): void {
    const { batch: _omit, ...rest } = payload as { batch?: unknown };
    const event: StreamEvent = { id: this.nextId++, name, data: toJson(rest) };
    this.ring.push(event);
    this.broadcast(formatEvent(event), name);
  }

  private broadcast(text: string, name: ApiEventName | null): void {
    for (const c of this.clients) {
      if (name !== null && c.topics && !c.topics.has(name)) continue;
      if (c.sink.writableLength > this.opts.maxBufferedBytes) {
        // a client that does not read: cut it off (EventSource reconnects and replays what it missed)
        this.clients.delete(c);
        c.sink.destroy();
        continue;
      }
      c.sink.write(text);
    }
  }
}

/** `?topics=batch,head` → the set (null = all); an unknown name is INVALID_PARAM naming it. */
export function parseTopics(raw: string | undefined): ReadonlySet<ApiEventName> | null {
  if (raw === undefined) return null;
  const names = raw
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
  if (names.length === 0) throw new ApiError("INVALID_PARAM", `topics: expected a comma list of ${API_EVENT_NAMES.join(", ")}`);
  for (const n of names) {
    if (!(API_EVENT_NAMES as string[]).includes(n)) {
      throw new ApiError("INVALID_PARAM", `topics: unknown topic ${JSON.stringify(n)}; expected some of ${API_EVENT_NAMES.join(", ")}`);
    }
  }
  return new Set(names as ApiEventName[]);
}

/** The Last-Event-ID header wins over `?lastEventId=` (EventSource sends the header on reconnect, with the first URL). */
export function parseLastEventId(header: string | string[] | undefined, query: string | undefined): number | null {
  const raw = Array.isArray(header) ? header[0] : header;
  const value = raw !== undefined && raw !== "" ? raw : query;
  if (value === undefined || value === "") return null;
  if (!/^[0-9]{1,16}$/.test(value)) throw new ApiError("INVALID_PARAM", `last-event-id: expected an event id (digits), got ${JSON.stringify(value.slice(0, 40))}`);
  return Number(value);
}
