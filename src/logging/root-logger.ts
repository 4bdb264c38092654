import pino, { Logger, LoggerOptions } from 'pino';
import { AppConfig } from '../config/app.config';
import { CENSOR, REDACTED_PATHS } from './log-redaction';
import { currentRequestFields } from './request-context';

/** Nest's start-up chatter (a line per module, controller and route): debug, not info. */
const INFO = 30;
const BOOT_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

function bootLinesAtDebug(this: Logger, args: Parameters<pino.LogFn>, method: pino.LogFn, level: number): void {
  const [first] = args;
  if (level === INFO && first && typeof first === 'object') {
    const context = (first as { context?: unknown }).context;
    if (typeof context === 'string' && BOOT_CONTEXTS.has(context)) return this.debug(...(args as [object, string]));
  }
  return method.apply(this, args);
}

/**
 * The one logger of the process: JSON lines, secrets redacted, and inside a request the request's
 * fields on every line (from its context, so a field given in the call itself wins and none appears twice).
 */
export function createRootLogger(config: AppConfig): Logger {
  const options: LoggerOptions = {
    level: config.logging.level,
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
    mixin: currentRequestFields,
    hooks: { logMethod: bootLinesAtDebug },
  };
  // Pretty output needs pino-pretty (a devDependency): only when asked for. A file destination is written synchronously.
  if (config.logging.pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { singleLine: true } } });
  const destination = config.logging.destination
    ? pino.destination({ dest: config.logging.destination, sync: true, mkdir: true })
    : pino.destination(1);
  return pino(options, destination);
}
