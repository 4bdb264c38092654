import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app.config';
import { LogContextInterceptor } from './log-context.interceptor';
import { loggingOptions } from './logging.options';

/** Structured JSON logs through nestjs-pino; configureApp makes its Logger the application's. */
@Module({
  imports: [LoggerModule.forRootAsync({ inject: [AppConfig], useFactory: loggingOptions })],
  providers: [{ provide: APP_INTERCEPTOR, useClass: LogContextInterceptor }],
})
export class LoggingModule {}
