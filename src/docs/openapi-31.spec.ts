import { OpenAPIObject } from '@nestjs/swagger';
import { toOpenApi31 } from './openapi-31';

describe('toOpenApi31', () => {
  const doc = (schemas: Record<string, unknown>) => ({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths: {}, components: { schemas } }) as unknown as OpenAPIObject;

  it('marks the document 3.1 and turns nullable into a null alternative', () => {
    const sut = toOpenApi31(doc({ Page: { type: 'object', properties: { next: { type: 'string', nullable: true }, kind: { type: 'string', enum: ['a'], nullable: true } } } }));
    expect(sut.openapi).toBe('3.1.0');
    expect(sut.components!.schemas!.Page).toEqual({ type: 'object', properties: { next: { type: ['string', 'null'] }, kind: { type: ['string', 'null'], enum: ['a', null] } } });
  });

  it('wraps a nullable reference in oneOf, and drops nullable: false', () => {
    const sut = toOpenApi31(doc({ A: { allOf: [{ $ref: '#/components/schemas/B' }], nullable: true }, C: { type: 'string', nullable: false } }));
    expect(sut.components!.schemas!.A).toEqual({ oneOf: [{ allOf: [{ $ref: '#/components/schemas/B' }] }, { type: 'null' }] });
    expect(sut.components!.schemas!.C).toEqual({ type: 'string' });
  });
});
