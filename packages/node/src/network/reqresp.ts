import {peerIdFromString} from "@libp2p/peer-id";
import type {Libp2p, PeerId, Stream} from "@libp2p/interface";
import {lpStream} from "@libp2p/utils";
import type {LengthPrefixedStream} from "@libp2p/utils";
import type {Logger} from "pino";
import {ReqRespError, ReqRespErrorCode} from "./errors.js";
import type {ReqRespHandlers} from "./interface.js";

/**
 * Request/response over one libp2p stream per request, every message a varint
 * length-prefixed frame:
 *
 *   requester → responder: `status`: nothing; `batches_by_range`: one 8-byte frame,
 *                          startHeight and count as two uint32 big-endian. Then it closes
 *                          its write end.
 *   responder → requester: a header frame, then the frames it announced, then close.
 *                          header = [0, n as uint32 BE]  success, n frames follow
 *                               or [code, UTF-8 reason] code 1 invalid request, 2 server error
 *
 * Counts above MAX_BATCHES_PER_REQUEST are clamped (by the requester before sending, and
 * again by the responder): asking for 1000 returns at most 512 batches; the caller
 * continues from the last height it received. A count of 0 is a valid request; it returns [].
 */
export enum ReqRespMethod {
  status = "status",
  batchesByRange = "batches_by_range",
}

export const MAX_BATCHES_PER_REQUEST = 512;
const RANGE_REQUEST_BYTES = 8;
const MAX_UINT32 = 0xffff_ffff;
const MAX_REASON_BYTES = 256;

enum RespCode {
  success = 0,
  invalidRequest = 1,
  serverError = 2,
}

/** `/baton/<chainId>/req/<method>/1` */
export function reqRespProtocol(chainId: number, method: ReqRespMethod): string {
  return `/baton/${chainId}/req/${method}/1`;
}

export function encodeRangeRequest(startHeight: number, count: number): Uint8Array {
  const bytes = new Uint8Array(RANGE_REQUEST_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, startHeight);
  view.setUint32(4, count);
  return bytes;
}

export function decodeRangeRequest(bytes: Uint8Array): {startHeight: number; count: number} {
  if (bytes.length !== RANGE_REQUEST_BYTES) {
    throw new RangeError(`range request must be ${RANGE_REQUEST_BYTES} bytes, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {startHeight: view.getUint32(0), count: view.getUint32(4)};
}

function successHeader(count: number): Uint8Array {
  const header = new Uint8Array(5);
  header[0] = RespCode.success;
  new DataView(header.buffer).setUint32(1, count);
  return header;
}

function errorHeader(code: RespCode, reason: string): Uint8Array {
  const text = new TextEncoder().encode(reason).subarray(0, MAX_REASON_BYTES);
  return Uint8Array.of(code, ...text);
}

/** Returns the number of frames that follow, or throws the responder's error. */
function parseResponseHeader(header: Uint8Array): number {
  if (header.length === 5 && header[0] === RespCode.success) {
    return new DataView(header.buffer, header.byteOffset, 5).getUint32(1);
  }
  const reason = new TextDecoder().decode(header.subarray(1));
  if (header[0] === RespCode.invalidRequest) throw new ReqRespError(ReqRespErrorCode.INVALID_REQUEST, reason);
  if (header[0] === RespCode.serverError) throw new ReqRespError(ReqRespErrorCode.SERVER_ERROR, reason);
  throw new ReqRespError(ReqRespErrorCode.INVALID_RESPONSE, `bad response header (${header.length} bytes)`);
}

const FRAMING_ERRORS = new Set([
  "InvalidDataLengthError",
  "InvalidDataLengthLengthError",
  "InvalidMessageLengthError",
  "StreamBufferError",
]);

function isFramingError(e: unknown): boolean {
  return e instanceof Error && FRAMING_ERRORS.has(e.name);
}

function toReqRespError(e: unknown, signal: AbortSignal): ReqRespError {
  if (e instanceof ReqRespError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (signal.aborted) return new ReqRespError(ReqRespErrorCode.TIMEOUT, message, {cause: e});
  if (isFramingError(e)) return new ReqRespError(ReqRespErrorCode.INVALID_RESPONSE, message, {cause: e});
  return new ReqRespError(ReqRespErrorCode.STREAM_ERROR, message, {cause: e});
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** Rejects with the signal's reason if it aborts before `p` settles. */
function withSignal<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, {once: true});
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

export interface ReqRespOptions {
  chainId: number;
  timeoutMs: number;
  maxFrameBytes: number;
  maxResponseBufferBytes: number;
}

export interface ReqRespModules {
  libp2p: Pick<Libp2p, "handle" | "unhandle" | "dialProtocol">;
  handlers: ReqRespHandlers;
  logger: Logger;
}

export class ReqResp {
  constructor(
    private readonly opts: ReqRespOptions,
    private readonly modules: ReqRespModules
  ) {}

  /** Register our protocol handlers (before libp2p starts, so no early stream is refused). */
  async register(): Promise<void> {
    for (const method of Object.values(ReqRespMethod)) {
      await this.modules.libp2p.handle(
        reqRespProtocol(this.opts.chainId, method),
        (stream, connection) => this.serve(method, stream, connection.remotePeer),
        {maxInboundStreams: 64, maxOutboundStreams: 64}
      );
    }
  }

  async unregister(): Promise<void> {
    const protocols = Object.values(ReqRespMethod).map((m) => reqRespProtocol(this.opts.chainId, m));
    await this.modules.libp2p.unhandle(protocols);
  }

  async requestStatus(peerId: string): Promise<Uint8Array> {
    const frames = await this.request(peerId, ReqRespMethod.status, null, 1);
    if (frames.length !== 1) {
      throw new ReqRespError(ReqRespErrorCode.INVALID_RESPONSE, `status response had ${frames.length} frames`);
    }
    return frames[0];
  }

  /** Counts above MAX_BATCHES_PER_REQUEST are clamped; the result may be shorter than asked. */
  async requestBatchesByRange(peerId: string, startHeight: number, count: number): Promise<Uint8Array[]> {
    for (const [name, value] of [["startHeight", startHeight], ["count", count]] as const) {
      if (!Number.isInteger(value) || value < 0 || value > MAX_UINT32) {
        throw new ReqRespError(ReqRespErrorCode.BAD_ARGUMENTS, `${name} must be a uint32, got ${value}`);
      }
    }
    const clamped = Math.min(count, MAX_BATCHES_PER_REQUEST);
    const body = encodeRangeRequest(startHeight, clamped);
    return this.request(peerId, ReqRespMethod.batchesByRange, body, clamped);
  }

  private async request(peerIdStr: string, method: ReqRespMethod, body: Uint8Array | null, maxFrames: number): Promise<Uint8Array[]> {
    let peerId: PeerId;
    try {
      peerId = peerIdFromString(peerIdStr);
    } catch (e) {
      throw new ReqRespError(ReqRespErrorCode.BAD_ARGUMENTS, `invalid peer id "${peerIdStr}"`, {cause: e});
    }
    const signal = AbortSignal.timeout(this.opts.timeoutMs);
    let stream: Stream;
    try {
      stream = await this.modules.libp2p.dialProtocol(peerId, reqRespProtocol(this.opts.chainId, method), {signal});
    } catch (e) {
      const code = signal.aborted ? ReqRespErrorCode.TIMEOUT : ReqRespErrorCode.DIAL_FAILED;
      throw new ReqRespError(code, asError(e).message, {cause: e});
    }

    const lp = lpStream(stream, {maxDataLength: this.opts.maxFrameBytes, maxBufferSize: this.opts.maxResponseBufferBytes});
    try {
      if (body !== null) await lp.write(body, {signal});
      await stream.close({signal});
      const count = parseResponseHeader((await lp.read({signal})).subarray());
      if (count > maxFrames) {
        throw new ReqRespError(ReqRespErrorCode.INVALID_RESPONSE, `peer announced ${count} frames, at most ${maxFrames} allowed`);
      }
      const frames: Uint8Array[] = [];
      for (let i = 0; i < count; i++) {
        frames.push((await lp.read({signal})).subarray());
      }
      return frames;
    } catch (e) {
      stream.abort(asError(e));
      throw toReqRespError(e, signal);
    }
  }

  private async serve(method: ReqRespMethod, stream: Stream, remotePeer: PeerId): Promise<void> {
    const signal = AbortSignal.timeout(this.opts.timeoutMs);
    const lp = lpStream(stream, {maxDataLength: RANGE_REQUEST_BYTES, maxBufferSize: 64 * 1024});
    try {
      // the deadline also bounds our own handler: a stuck handler must not pin the stream
      const response = await withSignal(this.respond(method, lp, signal, remotePeer), signal);
      await lp.writeV(response, {signal});
      await stream.close({signal});
    } catch (e) {
      this.modules.logger.debug({peer: remotePeer.toString(), method, err: e}, "failed to serve request");
      stream.abort(asError(e));
    }
  }

  /** The frames to send back: a header and its payload frames. */
  private async respond(method: ReqRespMethod, lp: LengthPrefixedStream, signal: AbortSignal, peer: PeerId): Promise<Uint8Array[]> {
    const {handlers, logger} = this.modules;
    if (method === ReqRespMethod.status) {
      try {
        return [successHeader(1), await handlers.status()];
      } catch (e) {
        logger.warn({method, err: e}, "status handler failed");
        return [errorHeader(RespCode.serverError, "internal error")];
      }
    }

    let request: {startHeight: number; count: number};
    try {
      request = decodeRangeRequest((await lp.read({signal})).subarray());
    } catch (e) {
      if (!(e instanceof RangeError) && !isFramingError(e)) throw e; // EOF, reset, timeout: no answer
      logger.debug({peer: peer.toString(), method, err: e}, "invalid request");
      return [errorHeader(RespCode.invalidRequest, asError(e).message)];
    }
    const count = Math.min(request.count, MAX_BATCHES_PER_REQUEST);
    if (count === 0) return [successHeader(0)];

    let batches: Uint8Array[];
    try {
      batches = await handlers.batchesByRange(request.startHeight, count);
    } catch (e) {
      logger.warn({method, startHeight: request.startHeight, count, err: e}, "batchesByRange handler failed");
      return [errorHeader(RespCode.serverError, "internal error")];
    }
    if (batches.length > count) {
      logger.warn({method, count, returned: batches.length}, "batchesByRange handler returned too many batches; truncated");
      batches = batches.slice(0, count);
    }
    return [successHeader(batches.length), ...batches];
  }
}
