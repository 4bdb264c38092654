import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiProblems } from '../common/api-problems.decorator';
import { EventsService } from './events.service';

/** The SSE stream is written by hand on the response (@Res): headers only after every check has passed. */
@ApiTags('events')
@ApiBearerAuth()
@Controller({ path: 'approvals', version: '1' })
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get(':id/events')
  @ApiOperation({
    operationId: 'streamApprovalEvents',
    summary: "Follow an approval's events (Server-Sent Events) until its terminal event",
  })
  @ApiProduces('text/event-stream')
  @ApiQuery({
    name: 'token',
    required: false,
    schema: { type: 'string' },
    description: 'The token of eventsUrl, instead of the Authorization header',
  })
  @ApiQuery({
    name: 'lastEventId',
    required: false,
    schema: { type: 'integer', minimum: 0 },
    description: 'Replay only the events after this id (first connect)',
  })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    schema: { type: 'integer', minimum: 0 },
    description: 'Replay only the events after this id (sent by a reconnecting EventSource)',
  })
  @ApiResponse({
    status: 200,
    description:
      "A text/event-stream. Each event is three lines: `id` (the event's position in the approval's log: 1, 2, 3 …), " +
      '`event` (its type, such as `approval.approved`) and `data` (the event object as JSON, schema `Event`). ' +
      'Comment lines keep an idle stream open; the stream ends after the terminal event.',
    content: {
      'text/event-stream': {
        schema: {
          type: 'string',
          description: 'Server-Sent Events whose data is an Event',
          // JSON Schema 2020-12 keywords, which @nestjs/swagger's types predate.
          ...{ contentMediaType: 'text/event-stream', contentSchema: { $ref: '#/components/schemas/Event' } },
        },
      },
    },
  })
  @ApiResponse({ status: 204, description: 'Reconnect after the terminal event (Last-Event-ID is the last id): nothing more will come' })
  @ApiProblems([400, 401, 404, 429, 500], {
    400: 'Last-Event-ID or lastEventId is not an event id',
    401: 'Missing or invalid API key, or an invalid, expired, revoked or other approval’s token (read the approval again for a fresh eventsUrl)',
    404: 'Unknown approval, or another client’s',
    429: 'Too many open streams for this eventsUrl, this client or this instance, or this client (the approval’s, for an eventsUrl token) already holds CLIENT_MAX_HELD_REQUESTS held requests (streams and ?wait= long-polls) on this instance (Retry-After)',
  })
  follow(@Param('id') id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    return this.events.follow(request, response, id);
  }
}
