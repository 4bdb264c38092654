import { Logger } from '@nestjs/common';

// Unit specs assert on behaviour, not on log output; keep the runner's output readable.
Logger.overrideLogger(false);
