// A sandbox run in the background under a name (tsvisor --root ROOT run --name ID), for the
// checkpoint tests: its output as it comes, and a way to wait for a line.

import { spawn, type ChildProcess } from 'node:child_process';

import { testEnv, TSVISOR_BIN } from './run.js';

export interface Finished {
  status: number | null;
  stdout: string;
  stderr: string;
}

export class BackgroundTsvisor {
  stdout = '';
  stderr = '';
  readonly finished: Promise<Finished>;
  private readonly child: ChildProcess;
  private readonly waiters: Array<() => void> = [];

  /** Runs `node bin/tsvisor.js ARGS...` in the background. */
  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, [TSVISOR_BIN, ...args], { env: testEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => {
      this.stdout += d.toString();
      for (const w of this.waiters.splice(0)) w();
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.finished = new Promise((resolve) => {
      this.child.on('close', (status) => resolve({ status, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  /** Resolves once stdout has a line for which pred holds (rejects after timeoutMs). */
  async waitForLine(pred: (line: string) => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.stdout.split('\n').slice(0, -1).some(pred)) {
      if (Date.now() > deadline) throw new Error(`no such line in time; stdout so far:\n${this.stdout}\nstderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
