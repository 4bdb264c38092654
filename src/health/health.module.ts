import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { HealthIndicators } from './health.indicators';

@Module({
  // Terminus logs failed checks itself; our readiness body already says what failed.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [HealthIndicators],
})
export class HealthModule {}
