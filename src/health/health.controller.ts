import { Controller, Get, Res, ServiceUnavailableException, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import type { Response } from 'express';
import { HealthIndicators } from './health.indicators';

const HEALTH_EXAMPLE = {
  status: 'ok',
  info: {
    redis: { status: 'up' },
    workers: { status: 'up', queues: ['poll'] },
    recognize: { status: 'up', informational: true, reachable: true },
  },
  error: {},
  details: {},
};

@ApiTags('operations')
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicators,
  ) {}

  @Get('live')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ operationId: 'checkLiveness', security: [], summary: 'Liveness: the process answers HTTP' })
  @ApiOkResponse({ description: 'Alive', schema: { type: 'object', example: { status: 'ok', info: {}, error: {}, details: {} } } })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({
    operationId: 'checkReadiness',
    security: [],
    summary: 'Readiness: Redis reachable and queue workers running; Recognize reachability is reported, never fatal',
  })
  @ApiOkResponse({ description: 'Ready to serve', schema: { type: 'object', example: HEALTH_EXAMPLE } })
  @ApiServiceUnavailableResponse({
    description: 'Not ready: the failing checks are under `error`',
    schema: { type: 'object', example: { ...HEALTH_EXAMPLE, status: 'error' } },
  })
  async ready(@Res({ passthrough: true }) res: Response): Promise<unknown> {
    try {
      return await this.health.check([
        () => this.indicators.redisReachable(),
        () => this.indicators.workersRunning(),
        () => this.indicators.recognizeReachability(),
      ]);
    } catch (err) {
      // Terminus's own report says which check failed; a probe and an operator both want it as is.
      if (!(err instanceof ServiceUnavailableException)) throw err;
      res.status(err.getStatus());
      return err.getResponse();
    }
  }
}
