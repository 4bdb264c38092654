import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app.config';

/**
 * Runs `start` (a listen) and, when it fails because the port is taken, says so in one line and
 * exits 1: a busy port is an operator's mistake, not a bug, so no stack trace. `variable` names the
 * setting to change.
 */
export async function listenOrExit<T>(port: number, variable: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    if ((err as { code?: string }).code !== 'EADDRINUSE') throw err;
    process.stderr.write(`port ${port} is already in use (${variable})\n`);
    process.exit(1);
  }
}

/** Where to go next, printed once the service listens: the API, the demo, the docs and the simulator's control API. */
export function printStartupBanner(config: AppConfig): void {
  const base = `http://localhost:${config.port}`;
  const lines = [
    `stepup-orchestrator is ready on ${base}`,
    `  API        ${base}/v1/approvals   (Authorization: Bearer <API key>)`,
    ...(config.demo.enabled ? [`  Demo       ${base}/demo`] : []),
    `  API docs   ${base}/docs${config.opsToken ? '   (Authorization: Bearer <OPS_TOKEN>)' : ''}`,
    `  Health     ${base}/health/ready`,
  ];
  const { controlUrl, controlToken } = config.simulator;
  // The simulator's control API exists only outside production; its token is a development tool, not a credential.
  if (controlUrl && config.nodeEnv !== 'production') {
    lines.push(`  Simulator  ${controlUrl}   (Authorization: Bearer ${controlToken ?? '<SIMULATOR_CONTROL_TOKEN>'})`);
    lines.push(`             e.g. curl -X POST -H 'Authorization: Bearer ${controlToken ?? '…'}' ${controlUrl}/operations/<id>/approve`);
  }
  // Readable logs (development): plain lines; JSON logs: one structured line that tools can read.
  if (config.logging.pretty) process.stdout.write(`\n${lines.join('\n')}\n\n`);
  else
    new Logger('Main').log(
      {
        urls: {
          api: `${base}/v1`,
          docs: `${base}/docs`,
          ...(config.demo.enabled && { demo: `${base}/demo` }),
          ...(controlUrl && { simulatorControl: controlUrl }),
        },
      },
      lines[0],
    );
}
