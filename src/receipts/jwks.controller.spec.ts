import { INestApplication, VersioningType } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { JwksController } from './jwks.controller';
import { ReceiptKeys } from './receipt.keys';

const KEYS = {
  keys: [{ kid: 'k1', kty: 'EC' as const, crv: 'P-256' as const, x: 'x', y: 'y', alg: 'ES256' as const, use: 'sig' as const }],
};

describe(JwksController.name, () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [JwksController],
      // A plain object rather than a strict mock: Nest probes providers for lifecycle hooks.
      providers: [{ provide: ReceiptKeys, useValue: { publicJwks: () => KEYS } }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.enableVersioning({ type: VersioningType.URI });
    await app.init();
  });

  afterAll(() => app.close());

  it('serves the receipt keys at /.well-known/jwks.json, unversioned and cacheable for a few minutes', async () => {
    const response = await request(app.getHttpServer()).get('/.well-known/jwks.json').expect(200);
    expect(response.body).toEqual(KEYS);
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    await request(app.getHttpServer()).get('/v1/.well-known/jwks.json').expect(404);
  });
});
