import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { FaultProxy } from '../sync-support/faultProxy';

/** A TCP server that counts what it receives and answers "ok" once it has `expect` bytes. */
async function sink(expectBytes: number) {
  let got = 0;
  const server = net.createServer((s) => {
    let mine = 0;
    s.on('data', (d) => {
      got += d.length;
      mine += d.length;
      if (mine >= expectBytes) s.end('ok');
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as AddressInfo).port, received: () => got, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function send(port: number, data: Buffer): Promise<{ reply: string; ms: number; error?: string }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => s.write(data));
    let reply = '';
    s.on('data', (d) => (reply += d));
    s.on('end', () => resolve({ reply, ms: performance.now() - t0 }));
    s.on('error', (e) => resolve({ reply, ms: performance.now() - t0, error: (e as NodeJS.ErrnoException).code ?? e.message }));
    s.on('close', () => resolve({ reply, ms: performance.now() - t0, error: reply ? undefined : 'closed' }));
  });
}

describe('fault proxy', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  it('throttles to the bit rate and adds latency each way', async () => {
    const target = await sink(125_000);
    const proxy = await FaultProxy.start({ targetPort: target.port, upBitsPerSec: 1_000_000, latencyMs: 75 });
    cleanup.push(() => proxy.close(), target.close);
    const r = await send(proxy.port, Buffer.alloc(125_000, 1));
    expect(r.reply).toBe('ok');
    // 125 kB at 1 Mbit/s = 1000 ms, + 75 ms up + 75 ms down
    expect(r.ms).toBeGreaterThan(1100);
    expect(r.ms).toBeLessThan(2500);
    expect(proxy.stats.upBytes).toBe(125_000);
  });

  it('shares the rate between connections like one link', async () => {
    const target = await sink(62_500);
    const proxy = await FaultProxy.start({ targetPort: target.port, upBitsPerSec: 1_000_000 });
    cleanup.push(() => proxy.close(), target.close);
    const t0 = performance.now();
    await Promise.all([send(proxy.port, Buffer.alloc(62_500)), send(proxy.port, Buffer.alloc(62_500))]);
    expect(performance.now() - t0).toBeGreaterThan(950);
  });

  it('cuts a connection after N upstream bytes; the far end sees only those', async () => {
    const target = await sink(10_000);
    const proxy = await FaultProxy.start({ targetPort: target.port });
    cleanup.push(() => proxy.close(), target.close);
    proxy.cutAfterUpstreamBytes(4000);
    const r = await send(proxy.port, Buffer.alloc(10_000));
    expect(r.reply).toBe('');
    expect(r.error).toBeDefined();
    await new Promise((res) => setTimeout(res, 50));
    expect(target.received()).toBe(4000);
    expect(proxy.stats.cuts).toBe(1);
    // one-shot: the next connection goes through
    expect((await send(proxy.port, Buffer.alloc(10_000))).reply).toBe('ok');
  });

  it('drops the reply: the far end got everything, the client gets a reset', async () => {
    const target = await sink(1000);
    const proxy = await FaultProxy.start({ targetPort: target.port });
    cleanup.push(() => proxy.close(), target.close);
    proxy.dropNextReply();
    const r = await send(proxy.port, Buffer.alloc(1000));
    expect(r.reply).toBe('');
    expect(target.received()).toBe(1000);
    expect(proxy.stats.droppedReplies).toBe(1);
  });

  it('stops by itself after its lifetime', async () => {
    const target = await sink(1);
    const proxy = await FaultProxy.start({ targetPort: target.port, maxLifetimeMs: 100 });
    cleanup.push(target.close);
    await new Promise((r) => setTimeout(r, 250));
    const r = await send(proxy.port, Buffer.alloc(1));
    expect(r.error).toBeDefined();
  });
});
