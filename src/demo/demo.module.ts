import { DynamicModule, Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { CibaModule } from '../ciba/ciba.module';
import { AppConfig } from '../config/app.config';
import { SignaturesModule } from '../signatures/signatures.module';
import { DemoCibaController } from './demo-ciba.controller';
import { DemoCibaService } from './demo-ciba.service';
import { DemoController } from './demo.controller';
import { DemoRequestGuard } from './demo-request.guard';
import { DemoService } from './demo.service';

/** /demo: a bank's web page and, when the simulator's control API is known, the user's phone. Imported only when config.demo.enabled. */
@Module({})
export class DemoModule {
  static forRoot(config: AppConfig): DynamicModule {
    // Loaded on demand: the phone controls are not part of the production import graph (nor of its image).
    const phone = config.simulator.controlUrl
      ? [import('./phone/simulator-phone.module').then((m): DynamicModule => ({ module: m.SimulatorPhoneModule }))]
      : [];
    // "Sign in with CIBA" exists only where the CIBA front door does.
    const ciba = Boolean(config.oidc.issuer);
    return {
      module: DemoModule,
      imports: [ApprovalsModule, SignaturesModule, ...(ciba ? [CibaModule] : []), ...phone],
      controllers: [DemoController, ...(ciba ? [DemoCibaController] : [])],
      providers: [DemoService, DemoRequestGuard, ...(ciba ? [DemoCibaService] : [])],
    };
  }
}
