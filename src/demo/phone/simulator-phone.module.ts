import { Module } from '@nestjs/common';
import { RecognizeModule } from '../../recognize/recognize.module';
import { DemoPhoneService } from '../demo-phone.service';
import { SimulatorPhoneClient } from './simulator-phone.client';

/** The demo's phone controls. Loaded lazily by DemoModule, never in production, and left out of the image. */
@Module({
  imports: [RecognizeModule],
  providers: [{ provide: DemoPhoneService, useClass: SimulatorPhoneClient }],
  exports: [DemoPhoneService],
})
export class SimulatorPhoneModule {}
