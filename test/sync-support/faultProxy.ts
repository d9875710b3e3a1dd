// A fault-injecting TCP proxy for sync tests and benches (127.0.0.1 only).
//  - latency per direction (75 ms each way = 150 ms RTT);
//  - a bit rate per direction, shared by all connections like one link (token bucket);
//  - cut a connection mid-request after N more bytes went upstream, or mid-reply after N more
//    bytes came downstream (a download cut mid-file);
//  - drop the hub's reply: the hub received and answered (so it committed) but the client
//    never sees the answer, its connection is reset instead.
// Bounded: it stops by itself after maxLifetimeMs and refuses more than maxConnections.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface LinkShape {
  /** Upstream (client → hub) bits per second; 0 = unlimited. */
  upBitsPerSec?: number;
  /** Downstream (hub → client) bits per second; 0 = unlimited. */
  downBitsPerSec?: number;
  /** One-way delay added to each direction, ms. */
  latencyMs?: number;
}

export interface FaultProxyOptions extends LinkShape {
  targetPort: number;
  targetHost?: string;
  /** Stops by itself after this long (default 20 min). */
  maxLifetimeMs?: number;
  maxConnections?: number;
}

interface Bucket {
  bitsPerSec: number;
  nextFreeAt: number;
}

interface Piece {
  data: Buffer;
  at: number;
}

type Dir = 'up' | 'down';

export interface ProxyStats {
  connections: number;
  upBytes: number;
  downBytes: number;
  cuts: number;
  droppedReplies: number;
}

const HIGH_WATER = 64 * 1024;

/** Close with a TCP RST (what a dropped link looks like to the far end), not a polite FIN. */
function reset(s: net.Socket) {
  if (s.destroyed) return;
  if (typeof s.resetAndDestroy === 'function' && !s.connecting) s.resetAndDestroy();
  else s.destroy();
}

class Pipe {
  queue: Piece[] = [];
  backlog = 0;
  lastAt = 0;
  timer: NodeJS.Timeout | null = null;
  ended = false;
  /** Destroy the connection once the queue has drained. */
  cutAfterDrain = false;
  constructor(
    readonly conn: Conn,
    readonly dir: Dir,
    readonly src: net.Socket,
    readonly dst: net.Socket,
  ) {}

  push(data: Buffer) {
    const p = this.conn.proxy;
    const bucket = p.buckets[this.dir];
    const latency = p.latencyMs;
    const now = performance.now();
    if (!bucket.bitsPerSec && !latency && this.queue.length === 0) {
      this.write(data);
      return;
    }
    const pieceSize = bucket.bitsPerSec ? Math.max(512, Math.floor(bucket.bitsPerSec / 8 / 50)) : data.length;
    for (let i = 0; i < data.length; i += pieceSize) {
      const piece = data.subarray(i, i + pieceSize);
      let at = now;
      if (bucket.bitsPerSec) {
        const start = Math.max(now, bucket.nextFreeAt);
        bucket.nextFreeAt = start + (piece.length * 8 * 1000) / bucket.bitsPerSec;
        at = bucket.nextFreeAt;
      }
      at = Math.max(at + latency, this.lastAt);
      this.lastAt = at;
      this.queue.push({ data: piece, at });
      this.backlog += piece.length;
    }
    if (this.backlog > HIGH_WATER) this.src.pause();
    this.arm();
  }

  private write(data: Buffer) {
    if (this.dst.destroyed) return;
    this.dst.write(data);
    if (this.dir === 'up') this.conn.proxy.stats.upBytes += data.length;
    else this.conn.proxy.stats.downBytes += data.length;
  }

  private arm() {
    if (this.timer || this.queue.length === 0) return;
    const wait = Math.max(0, this.queue[0].at - performance.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  flush() {
    this.timer = null;
    const now = performance.now();
    while (this.queue.length && this.queue[0].at <= now + 0.5) {
      const p = this.queue.shift()!;
      this.backlog -= p.data.length;
      this.write(p.data);
    }
    if (this.backlog <= HIGH_WATER / 2 && this.src.isPaused() && !this.src.destroyed) this.src.resume();
    if (this.queue.length) this.arm();
    else this.drained();
  }

  drained() {
    if (this.cutAfterDrain) {
      this.conn.closeAfterFlush(this.dst);
      return;
    }
    if (this.ended && !this.dst.destroyed) this.dst.end();
  }

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
  }
}

class Conn {
  up: Pipe;
  down: Pipe;
  /** The tail of what went upstream, to match requests ("POST /v1/push"). */
  recentUp = '';
  closed = false;
  constructor(
    readonly proxy: FaultProxy,
    readonly client: net.Socket,
    readonly upstream: net.Socket,
  ) {
    this.up = new Pipe(this, 'up', client, upstream);
    this.down = new Pipe(this, 'down', upstream, client);
    client.on('data', (d: Buffer) => this.onUp(d));
    upstream.on('data', (d: Buffer) => this.onDown(d));
    client.on('end', () => {
      this.up.ended = true;
      if (!this.up.queue.length) this.up.drained();
    });
    upstream.on('end', () => {
      this.down.ended = true;
      if (!this.down.queue.length) this.down.drained();
    });
    // A side that closes: what it sent before is still delivered (latency, rate), then the
    // whole connection goes, as a reset would reach the far end after the bytes in flight.
    const closed = (pipe: Pipe) => () => {
      if (pipe.queue.length) pipe.cutAfterDrain = true;
      else this.closeAfterFlush(pipe.dst);
    };
    client.on('error', closed(this.up));
    client.on('close', closed(this.up));
    upstream.on('error', closed(this.down));
    upstream.on('close', closed(this.down));
  }

  onUp(d: Buffer) {
    if (this.closed) return;
    this.recentUp = (this.recentUp + d.subarray(0, 2048).toString('latin1')).slice(-4096);
    const cut = this.proxy.armedCut;
    if (cut && (!cut.match || this.recentUp.includes(cut.match))) {
      if (d.length >= cut.remaining) {
        this.proxy.armedCut = null;
        this.proxy.stats.cuts++;
        this.up.push(d.subarray(0, cut.remaining));
        // The client sees the cut now; the hub gets the bytes already on the wire, then the reset.
        reset(this.client);
        this.up.cutAfterDrain = true;
        if (!this.up.queue.length) this.closeAfterFlush(this.upstream);
        return;
      }
      cut.remaining -= d.length;
    }
    this.up.push(d);
  }

  onDown(d: Buffer) {
    if (this.closed) return;
    const cut = this.proxy.armedDownCut;
    if (cut && (!cut.match || this.recentUp.includes(cut.match))) {
      if (d.length >= cut.remaining) {
        this.proxy.armedDownCut = null;
        this.proxy.stats.cuts++;
        this.down.push(d.subarray(0, cut.remaining));
        // The hub's side goes now; the client gets the bytes already on the wire, then the close.
        reset(this.upstream);
        this.down.cutAfterDrain = true;
        if (!this.down.queue.length) this.closeAfterFlush(this.client);
        return;
      }
      cut.remaining -= d.length;
    }
    const drop = this.proxy.armedDrop;
    if (drop && (!drop.match || this.recentUp.includes(drop.match))) {
      // The hub has answered, so it has committed; the client never learns it.
      this.proxy.armedDrop = null;
      this.proxy.stats.droppedReplies++;
      this.destroy();
      return;
    }
    this.down.push(d);
  }

  /** The far side gets what was already written, then FIN; then the connection is gone. */
  closeAfterFlush(dst: net.Socket) {
    if (this.closed) return;
    if (dst.destroyed || (dst.connecting === false && dst.writableFinished)) {
      this.destroy();
      return;
    }
    const t = setTimeout(() => this.destroy(), 2000);
    dst.end(() => {
      clearTimeout(t);
      this.destroy(false);
    });
  }

  /** Gone now: with a reset (a dropped link), or quietly after a flushed close. */
  destroy(withReset = true) {
    if (this.closed) return;
    this.closed = true;
    this.up.stop();
    this.down.stop();
    for (const s of [this.client, this.upstream]) {
      if (withReset) reset(s);
      else s.destroy();
    }
    this.proxy.conns.delete(this);
  }
}

export class FaultProxy {
  readonly stats: ProxyStats = { connections: 0, upBytes: 0, downBytes: 0, cuts: 0, droppedReplies: 0 };
  readonly conns = new Set<Conn>();
  buckets: Record<Dir, Bucket> = { up: { bitsPerSec: 0, nextFreeAt: 0 }, down: { bitsPerSec: 0, nextFreeAt: 0 } };
  latencyMs = 0;
  armedCut: { remaining: number; match?: string } | null = null;
  armedDownCut: { remaining: number; match?: string } | null = null;
  armedDrop: { match?: string } | null = null;
  private server!: net.Server;
  private lifetime!: NodeJS.Timeout;
  port = 0;

  private constructor(private readonly opts: FaultProxyOptions) {
    this.setLink(opts);
  }

  static async start(opts: FaultProxyOptions): Promise<FaultProxy> {
    const p = new FaultProxy(opts);
    await p.listen();
    return p;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Changes the link's shape for new data (bit rates, one-way latency). */
  setLink(shape: LinkShape) {
    if (shape.upBitsPerSec !== undefined) this.buckets.up = { bitsPerSec: shape.upBitsPerSec, nextFreeAt: 0 };
    if (shape.downBitsPerSec !== undefined) this.buckets.down = { bitsPerSec: shape.downBitsPerSec, nextFreeAt: 0 };
    if (shape.latencyMs !== undefined) this.latencyMs = shape.latencyMs;
  }

  /** One-shot: the connection that carries the next `bytes` upstream bytes (optionally: whose request contains `match`) is cut there. */
  cutAfterUpstreamBytes(bytes: number, match?: string) {
    this.armedCut = { remaining: Math.max(1, bytes), ...(match ? { match } : {}) };
  }

  /** One-shot: the connection whose request contains `match` (or any) is cut after `bytes` more downstream bytes reached the client. */
  cutAfterDownstreamBytes(bytes: number, match?: string) {
    this.armedDownCut = { remaining: Math.max(1, bytes), ...(match ? { match } : {}) };
  }

  /** One-shot: the next reply (optionally to a request containing `match`) never reaches the client. */
  dropNextReply(match?: string) {
    this.armedDrop = match ? { match } : {};
  }

  /** Cuts every open connection now. */
  cutAll() {
    for (const c of [...this.conns]) c.destroy();
  }

  private listen(): Promise<void> {
    this.server = net.createServer((client) => {
      if (this.conns.size >= (this.opts.maxConnections ?? 512)) {
        client.destroy();
        return;
      }
      client.setNoDelay(true);
      const upstream = net.connect({ host: this.opts.targetHost ?? '127.0.0.1', port: this.opts.targetPort });
      upstream.setNoDelay(true);
      this.stats.connections++;
      this.conns.add(new Conn(this, client, upstream));
    });
    this.lifetime = setTimeout(() => void this.close(), this.opts.maxLifetimeMs ?? 20 * 60_000);
    this.lifetime.unref();
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  close(): Promise<void> {
    clearTimeout(this.lifetime);
    this.cutAll();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
