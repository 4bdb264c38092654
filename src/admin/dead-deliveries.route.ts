import type { INestApplication } from '@nestjs/common';
import type { Request, Response, NextFunction } from 'express';
import { problem } from '../common/problem';
import { AppConfig } from '../config/app.config';
import { DeliveryIndex, ListedDelivery } from '../webhooks/delivery.index';

export const DEAD_DELIVERIES_PATH = '/admin/deliveries';
/** Per client: the dashboard shows the recent ones; GET /v1/deliveries pages through all of a client's. */
const PER_CLIENT = 100;

/**
 * Read-only JSON for operators: the dead deliveries of every configured client since `?since=`
 * (ISO time, default: all kept), oldest first, at most 100 per client. Mounted behind the queue
 * dashboard's Basic auth. No URL secrets: a delivery holds its target URL, never a secret.
 */
export function deadDeliveriesRoute(app: INestApplication) {
  const clients = app.get(AppConfig).clients;
  const index = app.get(DeliveryIndex, { strict: false });
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      if (req.method !== 'GET' || (req.path !== '/' && req.path !== '')) {
        res
          .status(404)
          .type('application/problem+json')
          .send(JSON.stringify(problem(404, 'not_found', 'Only GET /admin/deliveries exists here')));
        return;
      }
      const since = typeof req.query.since === 'string' ? Date.parse(req.query.since) : 0;
      if (Number.isNaN(since)) {
        res
          .status(400)
          .type('application/problem+json')
          .send(JSON.stringify(problem(400, 'invalid_request', 'since must be an ISO 8601 time')));
        return;
      }
      const byClient: { clientId: string; dead: ListedDelivery[]; more: boolean }[] = [];
      for (const client of clients) {
        const page = await index.page(client.id, 'dead', since, PER_CLIENT);
        if (page.deliveries.length) byClient.push({ clientId: client.id, dead: page.deliveries, more: page.nextCursor !== undefined });
      }
      res.setHeader('Cache-Control', 'no-store');
      res.json({ since: new Date(since).toISOString(), clients: byClient });
    } catch (err) {
      next(err);
    }
  };
}
