import { ApprovalRecord } from './approval';

/**
 * Where an approval's events can be followed without the client's API key: the `eventsUrl` every
 * answer and event carries. Issued by events/ (EventsTokenService, which signs the token), above
 * approvals; EventsTokenModule, composed at the root for every role, provides it under this class,
 * so approvals names no file of events/.
 */
export abstract class EventsUrls {
  /** Deterministic per approval within an issue window, so repeated reads give the same URL. */
  abstract eventsUrl(record: Pick<ApprovalRecord, 'id' | 'clientId'>): string;
}
