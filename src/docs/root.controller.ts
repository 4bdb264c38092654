import { Controller, Get, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';

/** `GET /`: where to start, for a person or a probe that lands on the bare host. Holds nothing secret. */
@ApiExcludeController()
@Controller({ version: VERSION_NEUTRAL })
export class RootController {
  @Get()
  index(): { name: string; docs: string; health: string } {
    return { name: 'stepup-orchestrator', docs: '/docs', health: '/health/ready' };
  }
}
