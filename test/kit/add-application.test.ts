/**
 * Adding an application to the reference platform is one catalog entry (plus its tag lines): the README's diff,
 * applied to a copy of the repository, renders the application and its Argo CD Application, and type-checks.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { copyProject, NODE_TSX, removeTempDirs, ROOT } from '../support/project';

const run = promisify(execFile);

/** The diff of the README's "Add an application" section. */
function readmeDiff(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const match = /<!-- add-application:begin -->\n```diff\n([^]*?)```\n<!-- add-application:end -->/.exec(readme);
  if (match?.[1] === undefined) throw new Error('README.md has no add-application diff');
  return match[1];
}

afterAll(removeTempDirs);

test('the README diff adds a service: synth renders its directory and Application, tsc passes', async () => {
  // GIVEN a copy of the repository with the README's diff applied
  const project = copyProject('add-application');
  const patch = path.join(project, 'add-application.diff');
  fs.writeFileSync(patch, readmeDiff());
  await run('git', ['apply', '--verbose', patch], { cwd: project });
  fs.rmSync(patch);
  const diff = readmeDiff();
  // The diff touches the catalog and the environment files only.
  expect([...diff.matchAll(/^\+\+\+ b\/(.+)$/gm)].map((m) => m[1]).sort()).toEqual(['charts/healthxcape.ts', 'environments/dev.ts', 'environments/prod.ts', 'environments/staging.ts']);

  // WHEN synth and the type check run as a user runs them
  await run(process.execPath, [...NODE_TSX, 'tools/cli/synth.ts', '--quiet'], { cwd: project });
  await run(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', project], { cwd: project });

  // THEN every environment renders the service and its database, and an Application for it after Kafka
  for (const env of ['dev', 'staging', 'prod']) {
    const files = fs.readdirSync(path.join(project, 'dist', env, 'notification-service')).sort();
    expect(files).toEqual(expect.arrayContaining(['ConfigMap.notification-service-config.yaml', 'Deployment.notification-service.yaml', 'Service.notification-service.yaml']));
    const application = fs.readFileSync(path.join(project, 'dist', env, 'argocd', `Application.${env}-notification-service.yaml`), 'utf8');
    expect(application).toContain(`path: ${env}/notification-service`);
    const wave = (app: string): number => Number(/sync-wave: "(\d+)"/.exec(fs.readFileSync(path.join(project, 'dist', env, 'argocd', `Application.${env}-${app}.yaml`), 'utf8'))?.[1]);
    expect(wave('notification-service')).toBeGreaterThan(wave('kafka'));
  }
  const config = fs.readFileSync(path.join(project, 'dist', 'prod', 'notification-service', 'ConfigMap.notification-service-config.yaml'), 'utf8');
  expect(config).toContain('KAFKA_TOPIC_USER_EVENTS: user.events');
  expect(config).toContain('DATABASE_HOST: notification-service-postgres-rw.healthxcape.svc');
}, 120000);
