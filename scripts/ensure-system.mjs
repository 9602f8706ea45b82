// What `npm test` needs from the system besides Node packages: Debian's chromium (the browser tests)
// and kcat (librdkafka's mock Kafka cluster). Installed with apt-get when this user may (root, or a
// password-less sudo); otherwise the test run stops at once with the exact command to run.
import { spawnSync } from 'node:child_process';

const PACKAGES = [
  { command: process.env.CHROMIUM_PATH ?? 'chromium', pkg: 'chromium' },
  { command: 'kcat', pkg: 'kcat' },
];

const found = (command) => spawnSync('sh', ['-c', `command -v "${command}"`], { stdio: 'ignore' }).status === 0;

export function ensureSystemPackages() {
  const missing = PACKAGES.filter((p) => !found(p.command)).map((p) => p.pkg);
  if (missing.length === 0) return;
  const root = process.getuid?.() === 0;
  const sudo = !root && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0 ? ['sudo', '-n'] : [];
  const install = ['apt-get', 'install', '-y', '-qq', ...missing];
  if (!root && sudo.length === 0) {
    console.error(`npm test needs ${missing.join(' and ')}, and this user cannot install ${missing.length > 1 ? 'them' : 'it'}: run\n  sudo apt-get update && sudo ${install.join(' ')}\nthen npm test again.`);
    process.exit(1);
  }
  console.log(`Installing ${missing.join(' and ')} (apt-get), which the tests need…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['apt-get', 'update', '-qq'], install]) {
    const [cmd, ...rest] = [...sudo, ...args];
    if (spawnSync(cmd, rest, { stdio: 'inherit', env }).status !== 0) {
      console.error(`\`${[...sudo, ...args].join(' ')}\` failed: install ${missing.join(' and ')} by hand, then npm test again.`);
      process.exit(1);
    }
  }
}
