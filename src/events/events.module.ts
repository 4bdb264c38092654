import { Module } from '@nestjs/common';
import { EventsTokenService } from './events-token.service';

@Module({ providers: [EventsTokenService], exports: [EventsTokenService] })
export class EventsModule {}
