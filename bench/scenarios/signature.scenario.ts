import { performance } from 'node:perf_hooks';
import { BenchContext, ChannelLatency, collectLatencies, takeRandom } from '../bench.context';
import { CreatedApproval } from '../service.client';
import { SseClients } from '../sse.clients';
import { sleep } from '../stats';
import { createApprovals } from './create.scenario';

export interface SignaturesResult {
  askedRate: number;
  seconds: number;
  /** Signatures sent, and those answered 200 (the approval approved by it). */
  sent: number;
  approved: number;
  /** The first answer that was not 200, if any (`no answer`: the request failed). */
  firstRefusal?: string;
  achievedRate: number;
  pendingAtStart: number;
  sseFollowed: number;
  /** From sending the POST to the webhook at the receiver / the SSE event at the client. */
  webhook?: ChannelLatency;
  sse?: ChannelLatency;
  serviceCpuPercent: number;
}

/**
 * The push-free path: `rate` decisions a second for `seconds`, each a transaction JWT signed by the
 * simulator (Recognize's JWT signing) and POSTed to …/signature, so no poll waits. Every one is
 * followed by webhook, half of them by SSE too; the clock starts when the POST is sent. The JWTs are
 * signed before the window, so that the load generator's signing is not part of what is measured.
 */
export async function runSignatures(ctx: BenchContext, sseAvailable: boolean): Promise<SignaturesResult> {
  const { signatureRate: rate, signatureSeconds: seconds, intervalMs } = ctx.options;
  const count = Math.round(rate * seconds);
  if (ctx.pending.length < count) {
    await createApprovals(ctx, count - ctx.pending.length);
    await sleep(Math.max(2 * intervalMs, 2000));
  }
  const pendingAtStart = ctx.pending.length;
  const chosen = takeRandom(ctx, count);
  const signed = await Promise.all(
    chosen.map(async (a) => ({ approval: a, jwt: await ctx.sim.signer.sign({ td: a.transactionData, alg: 'ES256' }) })),
  );
  const followed = sseAvailable ? chosen.filter((_, i) => i % 2 === 0) : [];
  const clients = new SseClients(ctx.service.url);
  if (followed.length) await clients.connect(followed);

  const processes = [ctx.service, ...ctx.workers];
  const cpu0 = processes.reduce((sum, p) => sum + p.cpuSeconds(), 0);
  const t0 = performance.now();
  const moments: number[] = [];
  const answers = await submitAtRate(ctx, signed, rate, moments);
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = processes.reduce((sum, p) => sum + p.cpuSeconds(), 0) - cpu0;

  const waitMs = 10_000;
  const ids = chosen.map((a) => a.id);
  const { webhook } = await collectLatencies(ctx, ids, ['webhook'], waitMs);
  const sseIds = followed.map((a) => a.id);
  const sse = sseIds.length ? (await collectLatencies({ ...ctx, sse: clients }, sseIds, ['sse'], waitMs)).sse : undefined;
  clients.closeAll();
  const refused = answers.find((a) => a !== 200);
  return {
    askedRate: rate,
    seconds,
    sent: answers.length,
    approved: answers.filter((a) => a === 200).length,
    ...(refused !== undefined && { firstRefusal: refused ? `HTTP ${refused}` : 'no answer' }),
    // As the burst counts it: signatures sent ÷ the time from the first to the last sent.
    achievedRate: Math.round(moments.length / Math.max((Math.max(...moments) - Math.min(...moments)) / 1000, 1e-3)),
    pendingAtStart,
    sseFollowed: followed.length,
    ...(webhook && { webhook }),
    ...(sse && { sse }),
    serviceCpuPercent: Math.round((100 * cpu) / elapsed),
  };
}

/** Sends the signatures at `rate` a second, each second's at random moments within it; resolves to each answer's status (0: no answer). */
async function submitAtRate(
  ctx: BenchContext,
  signed: { approval: CreatedApproval; jwt: string }[],
  rate: number,
  moments: number[],
): Promise<number[]> {
  return Promise.all(
    signed.map(
      ({ approval, jwt }, i) =>
        new Promise<number>((resolve) =>
          setTimeout(
            () => {
              const at = performance.now();
              ctx.decided.set(approval.id, at);
              moments.push(at);
              ctx.client.submitSignature(approval.id, jwt).then(resolve, () => resolve(0));
            },
            (Math.floor(i / rate) + Math.random()) * 1000,
          ),
        ),
    ),
  );
}
