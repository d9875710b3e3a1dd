// Runs a scanner tool as a child process: an argument array (never a shell), its own
// process group so a cancel kills the tool and whatever it started, stdout split in lines.
import { spawn, type ChildProcess } from 'node:child_process';

export interface RunningProcess {
  child: ChildProcess;
  /** Resolves on exit: code (null when killed by a signal), collected stderr. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; spawnError: Error | null }>;
  kill(): void;
}

export function startProcess(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; stdin?: string; onStdoutLine?: (line: string) => void; onStderrLine?: (line: string) => void; cwd?: string },
): RunningProcess {
  const child = spawn(command, args, {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    shell: false,
    windowsHide: true,
    // POSIX: a new process group (kill(-pid)); Windows: taskkill /T below.
    detached: process.platform !== 'win32',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  let spawnError: Error | null = null;
  const lines = (cb: ((l: string) => void) | undefined, onChunk?: (s: string) => void) => {
    let buf = '';
    return {
      push(chunk: Buffer) {
        const s = chunk.toString('utf8');
        onChunk?.(s);
        buf += s;
        let i: number;
        while ((i = buf.search(/\r?\n/)) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(buf[i] === '\r' ? i + 2 : i + 1);
          cb?.(line);
        }
      },
      flush() {
        if (buf) cb?.(buf);
        buf = '';
      },
    };
  };
  const out = lines(opts.onStdoutLine);
  const err = lines(opts.onStderrLine, (s) => {
    if (stderr.length < 64_000) stderr += s;
  });
  child.stdout!.on('data', (c: Buffer) => out.push(c));
  child.stderr!.on('data', (c: Buffer) => err.push(c));
  child.stdin!.on('error', () => {
    /* the tool exited before reading its input */
  });
  if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
  else child.stdin!.end();

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; spawnError: Error | null }>((resolve) => {
    child.once('error', (e) => {
      spawnError = e;
      // 'close' may not follow a failed spawn.
      if (child.pid === undefined) resolve({ code: null, signal: null, stderr, spawnError });
    });
    child.once('close', (code, signal) => {
      out.flush();
      err.flush();
      resolve({ code, signal, stderr, spawnError });
    });
  });

  let killed = false;
  return {
    child,
    exited,
    kill() {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      if (process.platform === 'win32') {
        // taskkill /T ends the whole tree (PowerShell and the WIA transfer it started).
        spawn('taskkill', ['/PID', String(child.pid), '/T', '/F'], { windowsHide: true, stdio: 'ignore' }).on('error', () => child.kill());
        return;
      }
      const signal = killed ? 'SIGKILL' : 'SIGTERM';
      killed = true;
      try {
        process.kill(-child.pid, signal);
      } catch {
        child.kill(signal);
      }
      // A tool stuck in a driver call may ignore SIGTERM.
      const t = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            child.kill('SIGKILL');
          }
        }
      }, 2000);
      t.unref();
    },
  };
}

/** Runs a command to completion with a timeout; for listing devices and reading options. */
export async function runToEnd(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; stdin?: string; timeoutMs: number },
): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean; spawnError: Error | null }> {
  let stdout = '';
  const p = startProcess(command, args, { env: opts.env, stdin: opts.stdin, onStdoutLine: (l) => (stdout += l + '\n') });
  let timedOut = false;
  const t = setTimeout(() => {
    timedOut = true;
    p.kill();
  }, opts.timeoutMs);
  const r = await p.exited;
  clearTimeout(t);
  return { code: r.code, stdout, stderr: r.stderr, timedOut, spawnError: r.spawnError };
}

/**
 * Kills a scan that stops talking: `arm()` on every sign of life (a page, a progress line)
 * restarts the countdown; when `ms` pass in silence, `expired` becomes true and `onExpire` runs.
 */
export function inactivityWatchdog(ms: number, onExpire: () => void): { arm(): void; stop(): void; readonly expired: boolean } {
  let timer: NodeJS.Timeout | null = null;
  let expired = false;
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return {
    arm() {
      stop();
      timer = setTimeout(() => {
        expired = true;
        onExpire();
      }, ms);
    },
    stop,
    get expired() {
      return expired;
    },
  };
}
