import { applyDecorators } from '@nestjs/common';
import { ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { exampleCode, problem } from './problem';
import { ProblemDto } from './problem.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: unknown field, wrong type, bad length, malformed JSON, a member named twice in one object, or a number that would not come back as given (1e999); `errors` names the fields',
  401: 'Missing or invalid API key',
  404: 'Not found: unknown approval, another client’s approval, or unknown Recognize user',
  409: 'Conflict with the current state',
  413: 'Body larger than the limit',
  415: 'Body is not application/json',
  422: 'The signed JWT fails a check; `detail` names it',
  429: 'Too many requests; retry after Retry-After seconds',
  500: 'Unexpected error; the body carries an errorId that is also logged',
  502: 'Recognize answered with an error',
  503: 'Recognize unreachable, timed out or throttled us',
};

/** Documents RFC 9457 problem responses for the given statuses; `descriptions` override the defaults per status. */
export function ApiProblems(statuses: number[], descriptions: Record<number, string> = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(...statuses.map((status) => ApiResponse({ status, ...problemResponse(status, descriptions[status]) })));
}

/** One RFC 9457 problem response as OpenAPI writes it, for the routes no decorator describes (see openapi.ts). */
export function problemResponse(status: number, description = DESCRIPTIONS[status] ?? 'Problem') {
  return {
    description,
    content: {
      'application/problem+json': {
        schema: { $ref: getSchemaPath(ProblemDto) },
        example: problem(status, exampleCode(status), description),
      },
    },
  };
}
