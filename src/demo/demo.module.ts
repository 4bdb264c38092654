import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { RecognizeModule } from '../recognize/recognize.module';
import { DemoPhoneService } from './demo-phone.service';
import { DemoController } from './demo.controller';
import { DemoService } from './demo.service';

/** /demo: a bank's web page and, with the bundled simulator, the user's phone. Imported only when config.demo.enabled. */
@Module({
  imports: [ApprovalsModule, RecognizeModule],
  controllers: [DemoController],
  providers: [DemoService, DemoPhoneService],
})
export class DemoModule {}
