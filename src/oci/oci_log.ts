// runc's logging: --log FILE (default stderr), --log-format text|json, --debug. The engines read
// the last JSON line's msg of a failed command and show it to the user.
import fs from 'node:fs';

export type LogFormat = 'text' | 'json';
type Level = 'debug' | 'info' | 'warning' | 'error';

/** What a detached child needs to log as its runtime command did. */
export interface LogSettings {
  file?: string;
  format: LogFormat;
  debug: boolean;
}

export class OciLog {
  constructor(
    private readonly file: string | undefined,
    private readonly format: LogFormat,
    private readonly debugEnabled: boolean,
  ) {}

  static from(settings: LogSettings): OciLog {
    return new OciLog(settings.file, settings.format, settings.debug);
  }

  get settings(): LogSettings {
    return { ...(this.file === undefined ? {} : { file: this.file }), format: this.format, debug: this.debugEnabled };
  }

  /** Whether messages go to a file (then stderr is free, or belongs to the container). */
  get toFile(): boolean {
    return this.file !== undefined;
  }

  error(msg: string): void {
    this.write('error', msg);
  }

  warn(msg: string): void {
    this.write('warning', msg);
  }

  info(msg: string): void {
    this.write('info', msg);
  }

  debug(msg: string): void {
    if (this.debugEnabled) this.write('debug', msg);
  }

  private write(level: Level, msg: string): void {
    const time = new Date().toISOString();
    const line =
      this.format === 'json'
        ? JSON.stringify({ level, msg, time }) + '\n'
        : `time="${time}" level=${level} msg=${JSON.stringify(msg)}\n`;
    try {
      if (this.file === undefined) fs.writeSync(2, line);
      else fs.appendFileSync(this.file, line);
    } catch {
      // A log that cannot be written must not turn into another failure.
    }
  }
}
