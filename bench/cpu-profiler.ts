import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/**
 * Preloaded into the service (`node -r …/cpu-profiler.js dist/main.js --cpu-profile-out=<file>`)
 * by `npm run bench -- --cpu-prof`. Node's own --cpu-prof writes only on a clean exit, which a
 * signal-driven shutdown is not; this writes the profile on SIGUSR2 instead.
 */
const out = process.argv.find((a) => a.startsWith('--cpu-profile-out='))?.slice('--cpu-profile-out='.length);
if (out) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () =>
    session.post('Profiler.setSamplingInterval', { interval: 1000 }, () => session.post('Profiler.start')),
  );
  process.on('SIGUSR2', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(out, JSON.stringify(result.profile));
    });
  });
}
