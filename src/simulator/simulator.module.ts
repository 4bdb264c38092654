import { Module } from '@nestjs/common';
import { SimulatorHost } from './simulator.host';

/** Starts the bundled Recognize simulator when no RECOGNIZE_BASE_URL is configured. */
@Module({
  providers: [SimulatorHost],
  exports: [SimulatorHost],
})
export class SimulatorModule {}
