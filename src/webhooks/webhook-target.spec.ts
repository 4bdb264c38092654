import { WebhookTargetPolicy } from '../config/webhook-target.policy';
import { refusingLookup } from './webhook-target';

const strict = () => new WebhookTargetPolicy({ allowLoopback: false, allowedHosts: [], allowedCidrs: [] });

describe(refusingLookup.name, () => {
  it('refuses at connect time a name that resolves to loopback', (done) => {
    refusingLookup(strict())('localhost', {}, (err) => {
      expect(err?.message).toMatch(/^localhost resolves to a loopback address/);
      done();
    });
  });
});
