import { OpenAPIObject } from '@nestjs/swagger';

/**
 * @nestjs/swagger writes OpenAPI 3.0. The few 3.0-isms it emits are rewritten here, in one place, so the
 * document served is valid 3.1 (JSON Schema 2020-12): `nullable` becomes a `null` alternative.
 */
export function toOpenApi31(document: OpenAPIObject): OpenAPIObject {
  const upgraded = rewrite(document) as OpenAPIObject;
  (upgraded as { openapi: string }).openapi = '3.1.0';
  return upgraded;
}

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = rewrite(value);
  if (out.nullable === true) {
    delete out.nullable;
    if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
    if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'] };
    return { oneOf: [out, { type: 'null' }] };
  }
  if (out.nullable === false) delete out.nullable;
  return out;
}
