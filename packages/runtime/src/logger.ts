// The structured logger runtime code writes to. The daemon passes one in; runtime never prints.

export type LogFields = Readonly<Record<string, unknown>>;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds these fields to every entry (one per service or controller). */
  child(fields: LogFields): Logger;
}

export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: LogFields;
}

/** Calls `sink` with every entry; the base of the other loggers. */
export function sinkLogger(sink: (entry: LogEntry) => void, base: LogFields = {}): Logger {
  const at =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}): void => {
      sink({ level, message, fields: { ...base, ...fields } });
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => sinkLogger(sink, { ...base, ...fields }),
  };
}

export const nullLogger: Logger = sinkLogger(() => undefined);

/** A logger that keeps its entries, for tests. */
export function recordingLogger(): Logger & { readonly entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return Object.assign(
    sinkLogger((e) => entries.push(e)),
    { entries },
  );
}
