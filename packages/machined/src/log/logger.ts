// The structured logger every daemon component is given (STYLE.md: no console in daemon code).
// One line per record, JSON or logfmt, secrets redacted by field name before formatting.
import { redact } from './redact.ts';

export const LogLevels = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LogLevels;
export type LogFormat = 'json' | 'logfmt';
export type LogFields = Readonly<Record<string, unknown>>;

/** Where log lines go: a stream, a file, a service's log ring. */
export interface LogSink {
  write(line: string): unknown;
}

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose records carry `fields` too, e.g. `log.child({ service: 'apid' })`. */
  child(fields: LogFields): Logger;
  readonly level: LogLevel;
}

export interface LoggerOptions {
  sink: LogSink;
  /** Records below this level are dropped; `info` unless told. */
  level?: LogLevel;
  /** `json` (one object per line) unless told. */
  format?: LogFormat;
  fields?: LogFields;
  /** The clock, for tests. */
  now?: () => Date;
}

export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(LogLevels, value);
}

export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? 'info';
  const format = options.format ?? 'json';
  const now = options.now ?? (() => new Date());
  const base = options.fields ?? {};
  const min = LogLevels[level];
  const emit = (lvl: LogLevel, msg: string, fields: LogFields | undefined): void => {
    if (LogLevels[lvl] < min) return;
    const record = redact({ ...base, ...fields }) as Record<string, unknown>;
    const head = { ts: now().toISOString(), level: lvl, msg: redact(msg) };
    const line = format === 'json' ? JSON.stringify({ ...head, ...record }) : logfmt({ ...head, ...record });
    try {
      options.sink.write(`${line}\n`);
    } catch {
      // Logging never fails the caller: a closed or broken sink loses the line, nothing more.
    }
  };
  return {
    level,
    debug: (msg, fields) => {
      emit('debug', msg, fields);
    },
    info: (msg, fields) => {
      emit('info', msg, fields);
    },
    warn: (msg, fields) => {
      emit('warn', msg, fields);
    },
    error: (msg, fields) => {
      emit('error', msg, fields);
    },
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

/** A logger that drops everything (tests and optional logging). */
export function nullLogger(): Logger {
  const noop = (): void => undefined;
  const self: Logger = { level: 'error', debug: noop, info: noop, warn: noop, error: noop, child: () => self };
  return self;
}

/** `key=value` pairs; values with spaces, quotes or `=` are quoted; objects become JSON. */
export function logfmt(record: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(record)) {
    if (v === undefined) continue;
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    parts.push(`${k}=${/^[^\s"=\\]+$/.test(text) ? text : JSON.stringify(text)}`);
  }
  return parts.join(' ');
}
