import { applyDecorators } from '@nestjs/common';
import { ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemDto } from './problem.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: unknown field, wrong type, bad length or malformed JSON; `errors` names the fields',
  401: 'Missing or invalid API key',
  404: 'Not found: unknown approval, another client’s approval, or unknown Recognize user',
  409: 'Conflict with the current state',
  413: 'Body larger than the limit',
  415: 'Body is not application/json',
  429: 'Too many requests; retry after Retry-After seconds',
  500: 'Unexpected error; the body carries an errorId that is also logged',
  502: 'Recognize answered with an error',
  503: 'Recognize unreachable, timed out or throttled us',
};

const CODES: Record<number, string> = {
  400: 'invalid_request', 401: 'unauthenticated', 404: 'approval_not_found', 409: 'approval_conflict', 413: 'payload_too_large',
  415: 'unsupported_media_type', 429: 'too_many_requests', 500: 'internal_error', 502: 'recognize_bad_gateway', 503: 'recognize_unavailable',
};

/** Documents RFC 9457 problem responses for the given statuses; `descriptions` override the defaults per status. */
export function ApiProblems(statuses: number[], descriptions: Record<number, string> = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: descriptions[status] ?? DESCRIPTIONS[status] ?? 'Problem',
        content: {
          'application/problem+json': {
            schema: { $ref: getSchemaPath(ProblemDto) },
            example: { type: `https://stepup-orchestrator.dev/problems/${CODES[status]}`, title: titleOf(status), status, detail: descriptions[status] ?? DESCRIPTIONS[status], code: CODES[status] },
          },
        },
      }),
    ),
  );
}

function titleOf(status: number): string {
  return { 400: 'Bad request', 401: 'Unauthorized', 404: 'Not found', 409: 'Conflict', 413: 'Payload too large', 415: 'Unsupported media type', 429: 'Too many requests', 500: 'Internal server error', 502: 'Bad gateway', 503: 'Service unavailable' }[status] ?? 'Error';
}
