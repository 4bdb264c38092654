import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import ts from 'typescript';
import { ApiClient } from '../helpers/api-client';
import { BANK_APP } from '../helpers/clients';
import { generateTypes, renderSdkTypes } from '../helpers/openapi-tools';
import { SseClient } from '../helpers/sse-client';
import { CIBA_POLL, startCibaApp } from '../helpers/ciba';
import { TestApp, newUserId } from '../helpers/test-app';

type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, { operationId?: string }>>;
  components: { schemas: Record<string, unknown> };
  webhooks?: Record<string, unknown>;
};

/*
 * The SDK's types against the generated ones, both ways: a field one side has and the other lacks,
 * or types that disagree, fail the check.
 */
const CHECK = `
import type { components, operations } from './generated';
import type * as sdk from '${resolve(__dirname, '../../client/src/types')}';

type S = components['schemas'];
declare const approval: S['Approval'];
declare const withDeliveries: S['ApprovalWithDeliveries'];
declare const page: S['ApprovalPage'];
declare const event: S['Event'];
declare const terminal: S['TerminalEvent'];
declare const problem: S['Problem'];
declare const sdkApproval: sdk.Approval;
declare const sdkRequest: sdk.CreateApprovalRequest;

export const fromGenerated: sdk.Approval[] = [approval, withDeliveries];
export const pageFromGenerated: { data: sdk.Approval[]; nextCursor: string | null } = page;
export const eventFromGenerated: { id: string; type: sdk.ApprovalEventType; createdAt: string; data: sdk.Approval } = event;
export const webhookFromGenerated: { type: \`approval.\${sdk.TerminalStatus}\` } = terminal;
export const problemFromGenerated: sdk.Problem = problem;
export const statusBothWays: [sdk.ApprovalStatus, S['Approval']['status']] = [approval.status, sdkApproval.status];
export const toGenerated: S['ApprovalWithDeliveries'] = { ...sdkApproval, eventsUrl: sdkApproval.eventsUrl ?? '' };
export const requestToGenerated: S['CreateApprovalRequest'] = sdkRequest;
export const listQuery: operations['listApprovals']['parameters']['query'] = { userId: 'A1', status: 'pending', limit: 20, cursor: 'x' };
export const waitQuery: operations['getApproval']['parameters']['query'] = { wait: 30 };
declare const sdkQuery: sdk.ListApprovalsQuery;
export const sdkListQuery: operations['listApprovals']['parameters']['query'] = sdkQuery;
`;

function typeCheck(dir: string): string[] {
  const program = ts.createProgram([join(dir, 'check.ts')], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('OpenAPI document against a generated client and real traffic', () => {
  let t: TestApp;
  let api: ApiClient;
  let document: OpenApiDocument;
  let ajv: Ajv2020;

  beforeAll(async () => {
    // With the CIBA front door on, so that /oauth/* and discovery are in the document too.
    t = await startCibaApp();
    api = t.api(BANK_APP.apiKey);
    document = (await (await fetch(`${t.url}/docs-json`)).json()) as OpenApiDocument;
    ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    // date-time per RFC 3339 with a zone: what `format: date-time` promises a strict client.
    ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
    ajv.addSchema({ ...document, $id: 'openapi.json' });
  });

  afterAll(async () => {
    await t.close();
  });

  function schema(name: string): ValidateFunction {
    const validate = ajv.getSchema(`openapi.json#/components/schemas/${name}`);
    if (!validate) throw new Error(`no schema ${name}`);
    return validate;
  }

  function expectValid(name: string, value: unknown): void {
    const validate = schema(name);
    const valid = validate(value);
    expect({ name, errors: valid ? [] : validate.errors }).toEqual({ name, errors: [] });
  }

  it('is OpenAPI 3.1 with stable operation ids, event schemas and webhooks', () => {
    expect(document.openapi).toBe('3.1.0');
    const ids = Object.values(document.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(ids).toEqual(
      expect.arrayContaining([
        'createApproval',
        'getApproval',
        'listApprovals',
        'cancelApproval',
        'streamApprovalEvents',
        'redeliverDeliveries',
        'consumeApproval',
        'submitSignature',
      ]),
    );
    expect(ids.every((id) => id && !/Controller|_v1/.test(id))).toBe(true);
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['Event', 'TerminalEvent', 'ApprovalPendingEvent', 'ApprovalApprovedEvent']),
    );
    expect(document.webhooks).toHaveProperty('approvalDecided');
  });

  it('generates TypeScript types with openapi-typescript that the SDK types assign to and from', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stepup-openapi-'));
    try {
      writeFileSync(join(dir, 'generated.ts'), await generateTypes(document));
      writeFileSync(join(dir, 'check.ts'), CHECK);
      expect(typeCheck(dir)).toEqual([]);
      // The check can fail: a type the document does not have is refused.
      writeFileSync(join(dir, 'check.ts'), `${CHECK}\nexport const wrong: S['Approval']['status'] = 'SUCCESS';\n`);
      expect(typeCheck(dir).join('\n')).toMatch(/SUCCESS/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('gives the SDK the types it generates: client/src/openapi.generated.ts is what `npm run sdk:types` writes', async () => {
    const committed = readFileSync(resolve(__dirname, '../../client/src/openapi.generated.ts'), 'utf8');
    // On a difference, run `npm run sdk:types` and commit the file with the change to the document.
    expect(committed).toBe(await renderSdkTypes(document));
  }, 60_000);

  it('refuses what the document does not describe, such as a time without a zone', () => {
    expect(schema('ApprovalAuthentication')({ result: 'APPROVED', errorCode: 0, createdAt: '2026-12-01T11:07:45.560' })).toBe(false);
    expect(schema('Event')({ id: 'evt_1', type: 'approval.approved', createdAt: '2026-12-01T11:07:45.560Z', data: {} })).toBe(false);
  });

  it('shows examples that its own schemas accept', () => {
    type Media = { schema?: { $ref?: string }; example?: unknown };
    const examples = Object.values(document.paths).flatMap((item) =>
      Object.values(item).flatMap((op) =>
        Object.values((op as { responses?: Record<string, { content?: Record<string, Media> }> }).responses ?? {}).flatMap((r) =>
          Object.values(r.content ?? {}),
        ),
      ),
    );
    const checked = examples.filter((m) => m.example !== undefined && m.schema?.$ref);
    expect(checked.length).toBeGreaterThan(10);
    for (const media of checked) expectValid(media.schema!.$ref!.split('/').pop()!, media.example);
  });

  it('describes real answers: create, get, list, cancel and a problem', async () => {
    const created = await api.create({ userId: newUserId(), message: 'Approve', metadata: { ref: 1 } });
    expectValid('Approval', created.body);
    expectValid('ApprovalWithDeliveries', (await api.get(created.body.id)).body);
    expectValid('ApprovalPage', (await api.request('GET', '/v1/approvals?limit=5')).body);
    expectValid('Approval', (await api.cancel(created.body.id)).body);
    expectValid('Problem', (await api.cancel(created.body.id)).body);
  });

  it('describes real events and a decided approval with its authentication', async () => {
    const created = await api.create({ userId: newUserId(), message: 'Approve' });
    const stream = await SseClient.open(`${t.url}${created.body.eventsUrl}`);
    expect(stream.status).toBe(200);
    const pending = await stream.nextEvent();
    await t.sim.approve(created.body.id, 'biom');
    const approved = await stream.nextEvent();
    for (const message of [pending, approved]) {
      const event = JSON.parse(message.data) as { type: string };
      expect(event.type).toBe(message.event);
      expectValid('Event', event);
    }
    expectValid('TerminalEvent', JSON.parse(approved.data));
    const decided = await api.request('GET', `/v1/approvals/${created.body.id}?wait=10`);
    expectValid('ApprovalWithDeliveries', decided.body);
  });

  it('documents the CIBA endpoints: form bodies in, OAuth JSON out, and real answers match', async () => {
    type Media = Record<string, { schema: { properties: { error: { enum: string[] } } } }>;
    type Operation = {
      operationId: string;
      requestBody: { content: Media };
      responses: Record<string, { content: Media }>;
    };
    const at = (path: string, method: string) => document.paths[path]?.[method] as unknown as Operation;
    const authorize = at('/oauth/bc-authorize', 'post');
    const token = at('/oauth/token', 'post');
    expect(authorize.operationId).toBe('startBackchannelAuthentication');
    expect(token.operationId).toBe('requestTokens');
    expect(at('/.well-known/openid-configuration', 'get').operationId).toBe('getOpenidConfiguration');
    expect(Object.keys(authorize.requestBody.content)).toEqual(['application/x-www-form-urlencoded']);
    expect(Object.keys(token.responses['400'].content)).toEqual(['application/json']);
    expect(token.responses['400'].content['application/json'].schema.properties.error.enum).toEqual(
      expect.arrayContaining(['authorization_pending', 'slow_down', 'expired_token', 'access_denied', 'invalid_grant']),
    );

    const validateAgainst = (schemaOf: object, value: unknown) => {
      const validate = ajv.compile(schemaOf);
      expect({ value, errors: validate(value) ? [] : validate.errors }).toEqual({ value, errors: [] });
    };
    const form = (path: string, params: Record<string, string>) =>
      fetch(`${t.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: CIBA_POLL.id, client_secret: CIBA_POLL.ciba.clientSecret, ...params }),
      });
    const started = await form('/oauth/bc-authorize', { scope: 'openid', login_hint: newUserId(), binding_message: 'Sign in' });
    const startedBody = (await started.json()) as { auth_req_id: string };
    validateAgainst(authorize.responses['200'].content['application/json'].schema, startedBody);
    const pending = await form('/oauth/token', { grant_type: 'urn:openid:params:grant-type:ciba', auth_req_id: startedBody.auth_req_id });
    validateAgainst(token.responses['400'].content['application/json'].schema, await pending.json());
    const refused = await form('/oauth/bc-authorize', { scope: 'profile', login_hint: newUserId(), binding_message: 'x' });
    validateAgainst(authorize.responses['400'].content['application/json'].schema, await refused.json());
  });
});
