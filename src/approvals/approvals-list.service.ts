import { Injectable } from '@nestjs/common';
import { InvalidRequestError } from '../common/app.errors';
import { ClientConfig } from '../clients/client.config';
import { ApprovalRecord, ApprovalRepresentation, representationOf } from './approval';
import { ApprovalsIndexStore, IndexPosition } from './approvals-index.store';
import { ListApprovalsQueryDto } from './dto/list-approvals.dto';
import { EventsUrls } from './events-urls';

export const DEFAULT_PAGE_SIZE = 20;
/** A status filter reads the index in batches of this many entries … */
const SCAN_BATCH = 100;
/** … at most this many per request (two Redis round trips each); a page may then be short, with a cursor to go on. */
const MAX_SCANS = 5;

export interface ApprovalPage {
  data: ApprovalRepresentation[];
  nextCursor: string | null;
}

/**
 * GET /v1/approvals: the client's approvals newest first from the listing indexes. The cursor is a
 * position (creation time and id), not an offset, so approvals created while a caller pages through
 * (all newer than any cursor) neither shift nor repeat anything.
 */
@Injectable()
export class ApprovalsListService {
  constructor(
    private readonly index: ApprovalsIndexStore,
    private readonly tokens: EventsUrls,
  ) {}

  async list(client: ClientConfig, query: ListApprovalsQueryDto): Promise<ApprovalPage> {
    const limit = query.limit === undefined ? DEFAULT_PAGE_SIZE : Number(query.limit);
    const userId = query.userId?.toUpperCase();
    const matches = (r: ApprovalRecord) =>
      r.clientId === client.id &&
      (userId === undefined || r.userId === userId) &&
      (query.status === undefined || r.status === query.status);

    const data: ApprovalRepresentation[] = [];
    let position = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    let more = true;
    for (let scan = 0; scan < MAX_SCANS && more && data.length < limit; scan++) {
      // Without a status filter (nearly) every entry matches: ask for one more than needed, to know whether a next page exists.
      const want = query.status === undefined ? limit - data.length + 1 : SCAN_BATCH;
      const entries = await this.index.page(client.id, userId, position, want);
      more = entries.length === want;
      for (const entry of entries) {
        if (data.length === limit) {
          more = true;
          break;
        }
        position = entry;
        if (entry.record && matches(entry.record)) data.push(representationOf(entry.record, this.tokens.eventsUrl(entry.record)));
      }
    }
    return { data, nextCursor: more && position ? encodeCursor(position) : null };
  }
}

export function encodeCursor(position: IndexPosition): string {
  return Buffer.from(`${position.score}:${position.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): IndexPosition {
  const [, score, id] = /^(\d{1,16}):(.{1,128})$/s.exec(Buffer.from(cursor, 'base64url').toString('utf8')) ?? [];
  if (score === undefined || id === undefined) {
    throw new InvalidRequestError('cursor is not a nextCursor of this endpoint', [
      { field: 'cursor', message: 'cursor must be a nextCursor returned by this endpoint' },
    ]);
  }
  return { score: Number(score), id };
}
