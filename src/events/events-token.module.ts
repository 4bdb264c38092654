import { Global, Module } from '@nestjs/common';
import { EventsUrls } from '../approvals/events-urls';
import { EventsTokenService } from './events-token.service';

/**
 * The eventsUrl tokens: issued for approvals (every answer and event carries an eventsUrl, so every
 * role needs them) and verified by the SSE route. Global and composed at the root (AppModule), so
 * that approvals, below events, gets its `EventsUrls` without importing events/.
 */
@Global()
@Module({
  providers: [EventsTokenService, { provide: EventsUrls, useExisting: EventsTokenService }],
  exports: [EventsTokenService, EventsUrls],
})
export class EventsTokenModule {}
