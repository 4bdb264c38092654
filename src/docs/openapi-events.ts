import { APPROVAL_STATUSES, ApprovalStatus, isTerminal } from '../approvals/approval';

type Schema = Record<string, unknown>;

/** `approval.approved` → `ApprovalApprovedEvent`: one named schema per event type, so generated clients get one type each. */
export function eventSchemaName(status: ApprovalStatus): string {
  return `Approval${status.charAt(0).toUpperCase()}${status.slice(1)}Event`;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function eventSchema(status: ApprovalStatus): Schema {
  return {
    type: 'object',
    description: `The approval became ${status}. \`data\` is the approval after the change, as GET returns it (without deliveries).`,
    required: ['id', 'type', 'createdAt', 'data'],
    properties: {
      id: { type: 'string', description: 'Unique and stable; the webhook-id of its webhook', example: 'evt_4f1c2a9e0b7d4c3e9a8b7c6d5e4f3a2b' },
      type: { type: 'string', enum: [`approval.${status}`] },
      createdAt: { type: 'string', format: 'date-time', description: 'When the change happened' },
      data: ref('Approval'),
    },
  };
}

function union(statuses: readonly ApprovalStatus[], description: string): Schema {
  return {
    description,
    oneOf: statuses.map((s) => ref(eventSchemaName(s))),
    discriminator: { propertyName: 'type', mapping: Object.fromEntries(statuses.map((s) => [`approval.${s}`, `#/components/schemas/${eventSchemaName(s)}`])) },
  };
}

const TERMINAL = APPROVAL_STATUSES.filter(isTerminal);

/** The event schemas: one per type, `Event` (any, the data of an SSE event) and `TerminalEvent` (a webhook's body). */
export function eventSchemas(): Record<string, Schema> {
  return {
    ...Object.fromEntries(APPROVAL_STATUSES.map((s) => [eventSchemaName(s), eventSchema(s)])),
    Event: union(APPROVAL_STATUSES, 'An event, as the data of a Server-Sent Event (event: <type>, id: its position in the log)'),
    TerminalEvent: union(TERMINAL, 'A terminal event: the body of a webhook'),
  };
}

const header = (name: string, description: string, example: string) => ({ name, in: 'header', required: true, description, schema: { type: 'string' }, example });

/** OpenAPI 3.1 `webhooks`: what the service POSTs to the approval's callbackUrl, else to the client's webhookUrl. */
export function webhookDocs(): Record<string, unknown> {
  return {
    approvalDecided: {
      post: {
        operationId: 'receiveDecisionWebhook',
        summary: 'An approval reached its terminal status',
        // The receiver authenticates the sender by the signature headers below, which no OpenAPI scheme expresses.
        security: [],
        description:
          'Signed per Standard Webhooks with the client’s webhookSecret. Verify the signature over ' +
          '`{webhook-id}.{webhook-timestamp}.{body}` before trusting the body. Any answer other than 2xx, a timeout or a refused ' +
          'connection is retried with growing delays, always with the same webhook-id: deduplicate by it.',
        parameters: [
          header('webhook-id', 'The event id; the same on every retry', 'evt_4f1c2a9e0b7d4c3e9a8b7c6d5e4f3a2b'),
          header('webhook-timestamp', 'Unix seconds of this attempt', '1747822542'),
          header('webhook-signature', 'Space-separated `v1,<base64 HMAC-SHA256>` signatures (one per active secret)', 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4='),
        ],
        requestBody: { required: true, content: { 'application/json': { schema: ref('TerminalEvent') } } },
        responses: { '2XX': { description: 'Received; nothing more is sent for this webhook-id' } },
      },
    },
  };
}
