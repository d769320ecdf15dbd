/**
 * A minimal Debug Adapter Protocol client over TCP for tests (and the bench): Content-Length framed JSON,
 * requests answered by `request_seq`, events queued for `waitEvent`. Plus a launcher for a real debugpy
 * debuggee (`/usr/bin/python3 -m debugpy --listen 127.0.0.1:PORT --wait-for-client prog.py`).
 */
import * as net from 'node:net';
import * as cp from 'node:child_process';

export interface DapMessage { seq: number; type: 'request' | 'response' | 'event'; command?: string; event?: string; request_seq?: number; success?: boolean; message?: string; body?: any }

export class DapClient {
  private seq = 1;
  private buf: Buffer = Buffer.alloc(0);
  private pending = new Map<number, { resolve(m: DapMessage): void; reject(e: Error): void }>();
  private events: DapMessage[] = [];
  private waiters: { name: string; resolve(m: DapMessage): void }[] = [];
  constructor(private sock: net.Socket) {
    sock.on('data', (d) => this.onData(d));
    sock.on('close', () => { for (const p of this.pending.values()) p.reject(new Error('debug adapter closed the connection')); this.pending.clear(); });
  }
  static connect(port: number, host = '127.0.0.1', timeoutMs = 15000): Promise<DapClient> {
    const end = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const s = net.connect(port, host);
        s.once('connect', () => resolve(new DapClient(s)));
        s.once('error', (e) => { s.destroy(); if (Date.now() > end) reject(e); else setTimeout(attempt, 100); });
      };
      attempt();
    });
  }
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  private need = 0;
  private onData(d: Buffer): void {
    // Large replies arrive in many chunks: join them once the announced length is there (not on every chunk).
    this.chunks.push(d); this.chunkBytes += d.length;
    if (this.chunkBytes < this.need) return;
    this.buf = this.chunks.length === 1 && !this.buf.length ? d : Buffer.concat([this.buf, ...this.chunks]);
    this.chunks = []; this.chunkBytes = 0; this.need = 0;
    for (;;) {
      const h = this.buf.indexOf('\r\n\r\n');
      if (h < 0) return;
      const m = /Content-Length: (\d+)/i.exec(this.buf.subarray(0, h).toString('ascii'));
      if (!m) throw new Error('DAP: header without Content-Length');
      const len = +m[1];
      if (this.buf.length < h + 4 + len) { this.need = h + 4 + len - this.buf.length; return; }
      const msg = JSON.parse(this.buf.subarray(h + 4, h + 4 + len).toString('utf8')) as DapMessage;
      this.buf = this.buf.subarray(h + 4 + len);
      if (msg.type === 'response') {
        const p = this.pending.get(msg.request_seq!);
        this.pending.delete(msg.request_seq!);
        if (p) { if (msg.success) p.resolve(msg); else p.reject(new Error(msg.message || `${msg.command} failed`)); }
      } else if (msg.type === 'event') {
        const i = this.waiters.findIndex((w) => w.name === msg.event);
        if (i >= 0) this.waiters.splice(i, 1)[0].resolve(msg); else this.events.push(msg);
      }
    }
  }
  /** Sends a request; resolves with the response body (rejects with the adapter's message). */
  request(command: string, args?: unknown): Promise<any> {
    const seq = this.seq++;
    const json = Buffer.from(JSON.stringify({ seq, type: 'request', command, arguments: args }), 'utf8');
    this.sock.write(`Content-Length: ${json.length}\r\n\r\n`);
    this.sock.write(json);
    return new Promise<DapMessage>((resolve, reject) => this.pending.set(seq, { resolve, reject })).then((m) => m.body);
  }
  /** The next event of that name (queued ones first). */
  waitEvent(name: string, timeoutMs = 20000): Promise<DapMessage> {
    const i = this.events.findIndex((e) => e.event === name);
    if (i >= 0) return Promise.resolve(this.events.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`DAP: no '${name}' event in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ name, resolve: (m) => { clearTimeout(t); resolve(m); } });
    });
  }
  close(): void { this.sock.destroy(); }
}

export const SYSTEM_PYTHON = '/usr/bin/python3';

/** True when the system Python has debugpy and the given modules. */
export function pythonHas(...modules: string[]): boolean {
  const r = cp.spawnSync(SYSTEM_PYTHON, ['-c', ['debugpy', ...modules].map((m) => `import ${m}`).join('; ')], { stdio: 'ignore', timeout: 60000 });
  return r.status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

export interface PausedDebuggee {
  client: DapClient;
  proc: cp.ChildProcess;
  threadId: number;
  frameId: number;
  /** Evaluates in the paused frame, the way the extension does (repl context, rawString). */
  evaluate(expression: string): Promise<string>;
  /** Continues and waits for the next stop; resolves false when the program ended instead. */
  next(): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * Starts `program` under debugpy, attaches, sets a breakpoint on every line containing `marker`, and resolves
 * once the program is paused at the first one.
 */
export async function launchPaused(program: string, marker = '# STOP', env: NodeJS.ProcessEnv = {}): Promise<PausedDebuggee> {
  const fs = await import('node:fs');
  const lines = fs.readFileSync(program, 'utf8').split('\n').map((l, i) => (l.includes(marker) ? i + 1 : 0)).filter(Boolean);
  const port = await freePort();
  const proc = cp.spawn(SYSTEM_PYTHON, ['-m', 'debugpy', '--listen', `127.0.0.1:${port}`, '--wait-for-client', program], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  proc.stderr!.on('data', (d) => { stderr += d; });
  proc.stdout!.on('data', () => {});
  let client: DapClient;
  try { client = await DapClient.connect(port); } catch (e) { proc.kill('SIGKILL'); throw new Error(`debugpy did not listen: ${(e as Error).message}\n${stderr}`); }
  await client.request('initialize', { clientID: 'loss-inspector-test', adapterID: 'debugpy', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  const attached = client.request('attach', { justMyCode: true }); // answered after configurationDone
  await client.waitEvent('initialized');
  await client.request('setBreakpoints', { source: { path: program }, breakpoints: lines.map((line) => ({ line })) });
  await client.request('configurationDone');
  await attached;
  let threadId = 0, frameId = 0;
  const paused = async (): Promise<boolean> => {
    const ev = await Promise.race([client.waitEvent('stopped', 60000), client.waitEvent('terminated', 60000).then(() => null)]);
    if (!ev) return false;
    threadId = ev.body.threadId;
    const st = await client.request('stackTrace', { threadId, startFrame: 0, levels: 1 });
    frameId = st.stackFrames[0].id;
    return true;
  };
  if (!(await paused())) throw new Error(`the program ended before a breakpoint: ${stderr}`);
  const self: PausedDebuggee = {
    client, proc,
    get threadId() { return threadId; },
    get frameId() { return frameId; },
    evaluate: async (expression) => (await client.request('evaluate', { expression, frameId, context: 'repl', format: { rawString: true } })).result as string,
    next: async () => { await client.request('continue', { threadId }); return paused(); },
    stop: async () => {
      try { await Promise.race([client.request('disconnect', { terminateDebuggee: true }), new Promise((r) => setTimeout(r, 2000))]); } catch { /* gone */ }
      client.close();
      if (proc.exitCode === null) proc.kill('SIGKILL');
    },
  };
  return self;
}
