// The control socket's server (src/sandbox/control_server.ts, served by the addon's thread,
// native/control_server.cc) with raw unix-socket clients: requests reach the handler, every
// reply line reaches the requester, a requester that hangs up aborts its request, bad and
// oversized requests are refused, and closing the server lets an answer being made finish.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { controlRequest } from '../../src/sandbox/control_client.js';
import type { ControlReply } from '../../src/sandbox/control_protocol.js';
import { ControlServer, type ControlHandler } from '../../src/sandbox/control_server.js';

/**
 * Connects, sends text, and collects what comes back until the server closes the connection
 * (a reset included: a connection dropped with unread input is reset).
 */
function exchange(socket: string, text: string): Promise<string> {
  return new Promise((resolve) => {
    const conn = net.createConnection(socket, () => conn.write(text));
    let got = '';
    conn.on('data', (chunk) => (got += chunk.toString('utf8')));
    conn.on('error', () => {});
    conn.on('close', () => resolve(got));
  });
}

describe('control socket server (the addon\'s thread)', function () {
  this.timeout(30_000);
  let dir: string;
  let socket: string;
  let server: ControlServer | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsv-control-'));
    socket = join(dir, 'control.sock');
  });
  afterEach(() => {
    server?.close();
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands each request to the handler and sends every reply line, then closes', async () => {
    const seen: string[] = [];
    server = await ControlServer.listen(socket, async (request, reply) => {
      seen.push(request.op);
      reply({ type: 'progress', bytes: 1, seconds: 0.5 });
      reply({ type: 'done', message: `did ${request.op}` });
    });
    const lines: ControlReply[] = [];
    const final = await controlRequest(socket, { op: 'ping' }, (r) => lines.push(r));
    expect(final).to.deep.equal({ type: 'done', message: 'did ping' });
    expect(lines).to.deep.equal([{ type: 'progress', bytes: 1, seconds: 0.5 }, { type: 'done', message: 'did ping' }]);
    // Several at once, each on its own connection.
    const finals = await Promise.all((['start', 'ps', 'pause'] as const).map((op) => controlRequest(socket, { op }, () => {})));
    expect(finals.map((r) => (r.type === 'done' ? r.message : r.type))).to.deep.equal(['did start', 'did ps', 'did pause']);
    expect(seen.slice(1).sort()).to.deep.equal(['pause', 'ps', 'start']);
  });

  it('refuses a request off the protocol and a line that never ends, without calling the handler', async () => {
    let called = 0;
    server = await ControlServer.listen(socket, async (_request, reply) => {
      called++;
      reply({ type: 'done', message: 'no' });
    });
    const bad = await exchange(socket, '{"op":"kill","signal":99,"all":false}\n');
    expect(JSON.parse(bad)).to.include({ type: 'error' });
    expect((JSON.parse(bad) as { message: string }).message).to.match(/^bad control request: /);
    expect(JSON.parse(await exchange(socket, 'not json\n'))).to.include({ type: 'error' });
    // More than 64 KiB without a newline: dropped, nothing answered.
    expect(await exchange(socket, 'x'.repeat(70_000))).to.equal('');
    expect(called).to.equal(0);
    // The server still serves after all that.
    expect(await controlRequest(socket, { op: 'ping' }, () => {})).to.deep.equal({ type: 'done', message: 'no' });
  });

  it('aborts a request whose requester hangs up', async () => {
    let aborted!: () => void;
    const abort = new Promise<void>((resolve) => (aborted = resolve));
    const handler: ControlHandler = (_request, reply, closed) => new Promise((resolve) => {
      reply({ type: 'started', pid: 7 });
      closed.addEventListener('abort', () => {
        aborted();
        resolve();
      });
    });
    server = await ControlServer.listen(socket, handler);
    const conn = net.createConnection(socket, () => conn.write('{"op":"ps"}\n'));
    await new Promise<void>((resolve) => conn.once('data', () => resolve()));
    conn.destroy();
    await abort;
  });

  it('once closed, takes no connection, and an answer being made still reaches its requester', async () => {
    let go!: () => void;
    const later = new Promise<void>((resolve) => (go = resolve));
    let arrived!: () => void;
    const inHandler = new Promise<void>((resolve) => (arrived = resolve));
    server = await ControlServer.listen(socket, async (_request, reply) => {
      arrived();
      await later;
      reply({ type: 'done', message: 'after close' });
    });
    const answer = controlRequest(socket, { op: 'ping' }, () => {});
    await inHandler;
    server.close();
    server = undefined;
    go();
    expect(await answer).to.deep.equal({ type: 'done', message: 'after close' });
    const refused = await new Promise<string>((resolve) => {
      const conn = net.createConnection(socket);
      conn.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      conn.on('connect', () => resolve('connected'));
    });
    expect(refused).to.equal('ECONNREFUSED');
  });
});
