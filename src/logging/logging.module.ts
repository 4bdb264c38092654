import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app.config';
import { LogContextInterceptor } from './log-context.interceptor';
import { createRootLogger } from './root-logger';

/** The process's pino logger; configureApp mounts the request log on it. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

@Module({
  providers: [{ provide: ROOT_LOGGER, inject: [AppConfig], useFactory: createRootLogger }],
  exports: [ROOT_LOGGER],
})
class RootLoggerModule {}

/**
 * Structured JSON logs: nestjs-pino makes the root logger Nest's (configureApp), the request log
 * middleware writes the line per request. `useExisting`: nestjs-pino adds no request logging of its own.
 */
@Module({
  imports: [
    RootLoggerModule,
    LoggerModule.forRootAsync({
      imports: [RootLoggerModule],
      inject: [ROOT_LOGGER],
      useFactory: (logger: Logger) => ({ pinoHttp: { logger }, useExisting: true }),
    }),
  ],
  providers: [{ provide: APP_INTERCEPTOR, useClass: LogContextInterceptor }],
  exports: [RootLoggerModule],
})
export class LoggingModule {}
