import { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthType } from './simulator.store';
import type { RecognizeSimulator } from './recognize.simulator';
import { signRequestOf } from './simulator.jwt';
import { parseJsonObject, pathSegments, readBody, sendJson, SimulatorError } from './simulator.http';

/**
 * The control API under /_sim, for tests, benchmarks, the demo's phone and people clicking through
 * the dev setup. The caller has already shown the control token (see RecognizeSimulator.handle).
 */
export async function handleControl(sim: RecognizeSimulator, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const s = pathSegments(path);
  const method = req.method ?? 'GET';
  const body = method === 'POST' ? parseJsonObject(await readBody(req), true) : {};
  const route = `${method} ${s[0] ?? ''}${s.length > 1 ? '/:id' : ''}${s.length > 2 ? `/${s[2]}` : ''}`;

  // Fixed paths of the transaction-JWT signer: the generic `:id` routing below does not fit them.
  switch (`${method} ${s.join('/')}`) {
    case 'POST transactions/sign':
      return sendJson(res, 200, { jwt: await sim.signer.sign(signRequestOf(body)) });
    case 'POST keys/rotate':
      return sendJson(res, 200, { kids: sim.signer.rotate() });
    case 'GET keys':
      return sendJson(res, 200, { kids: sim.signer.kids() });
  }
  switch (route) {
    case 'POST operations/:id/approve':
      return sendJson(
        res,
        200,
        sim.approve(s[1], { authType: body.authType as AuthType | undefined, deviceId: optionalString(body, 'deviceId') }),
      );
    case 'POST operations/:id/reject':
      return sendJson(res, 200, sim.reject(s[1], { state: body.state as string | undefined }));
    case 'DELETE operations/:id':
      sim.vanish(s[1]);
      return sendJson(res, 200, { vanished: s[1] });
    case 'GET operations/:id': {
      const operation = sim.operation(s[1]);
      if (!operation) throw new SimulatorError(404, 'operation not found');
      return sendJson(res, 200, operation);
    }
    case 'POST users/:id':
      sim.enroll(s[1]);
      return sendJson(res, 200, { enrolled: s[1] });
    case 'DELETE users/:id':
      sim.unenroll(s[1]);
      return sendJson(res, 200, { removed: s[1] });
    case 'POST faults':
      sim.setFault(body);
      return sendJson(res, 200, { added: true });
    case 'DELETE faults':
      sim.clearFaults();
      return sendJson(res, 200, { cleared: true });
    case 'POST reset':
      sim.reset();
      return sendJson(res, 200, { reset: true });
    case 'GET stats':
      return sendJson(res, 200, sim.stats());
    default:
      throw new SimulatorError(404, 'no such control route');
  }
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value !== undefined && typeof value !== 'string') throw new SimulatorError(400, `${field} must be a string`);
  return value;
}
