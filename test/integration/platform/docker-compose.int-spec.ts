import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * docker/docker-compose.yml fails safe: `docker compose config` (which needs a compose client, not
 * an engine) refuses to render it while a secret is missing, and there is no default password.
 */
const COMPOSE_FILE = join(__dirname, '../../../docker/docker-compose.yml');

/** `docker compose` (v2) or `docker-compose` (v1), whichever answers `version`. */
function composeClient(): string[] | undefined {
  for (const cmd of [['docker', 'compose'], ['docker-compose']]) {
    const r = spawnSync(cmd[0], [...cmd.slice(1), 'version'], { stdio: 'ignore', timeout: 20_000 });
    if (r.status === 0) return cmd;
  }
  return undefined;
}

const client = composeClient();
const secrets = {
  ROSTER_ADMIN_TOKEN: 'a'.repeat(44),
  ROSTER_DB_PASSWORD: 'b'.repeat(32),
  ROSTER_AUDIT_CHAIN_KEY: 'c'.repeat(44),
};

function config(env: Record<string, string>): { status: number | null; out: string } {
  const childEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
  const r = spawnSync(client![0], [...client!.slice(1), '-f', COMPOSE_FILE, 'config'], {
    env: childEnv,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

(client ? describe : describe.skip)(
  client
    ? `docker/docker-compose.yml (${client.join(' ')} config)`
    : 'docker/docker-compose.yml — SKIPPED: no compose client (`docker compose version` and `docker-compose version` both fail)',
  () => {
    it.each(Object.keys(secrets))('refuses to render without %s, naming it', (missing) => {
      const env = { ...secrets } as Record<string, string>;
      delete env[missing];
      const r = config(env);
      expect(r.status).not.toBe(0);
      expect(r.out).toContain(`set ${missing}`);
    });

    it('renders with every secret: no default password, read-only app, build beside image', () => {
      const r = config(secrets);
      expect(r.status).toBe(0);
      expect(r.out).toContain(secrets.ROSTER_DB_PASSWORD);
      expect(r.out).not.toMatch(/roster:roster@|POSTGRES_PASSWORD: roster\b/);
      // The roster service's block: from its key to the next key at the same indentation.
      const roster = /\n {2}roster:\n((?: {3,}.*\n|\s*\n)*)/.exec(r.out)?.[1] ?? '';
      expect(roster).toMatch(/read_only: true/);
      expect(roster).toMatch(/build:/);
      expect(roster).toMatch(/image: roster:local/);
      expect(roster).toMatch(/\/health\/ready/);
    });
  },
);
