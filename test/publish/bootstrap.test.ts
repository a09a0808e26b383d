/**
 * The bootstrap files publish writes into each root's directory (tools/publish/bootstrap.ts).
 */
import { parse } from 'yaml';
import { build } from '../../main';
import { APPLICATION_HEALTH_LUA, bootstrapFiles, HEALTH_CHECK_KEY, HEALTH_PATCH_FILE } from '../../tools/publish/bootstrap';
import { renderEnvironments } from '../../tools/synth';

test('every environment gets the argocd-cm merge patch and commands naming its own files', async () => {
  // GIVEN the reference platform
  const envs = await renderEnvironments(build, 'dist');
  for (const env of envs) {
    // WHEN
    const bootstrap = bootstrapFiles(env, 'rendered', 'https://github.com/healthxcape/platform-config.git');

    // THEN the root's directory receives them ...
    expect(bootstrap?.rootApplication).toBe('argocd');
    const patch = parse(bootstrap?.files.get(HEALTH_PATCH_FILE) ?? '') as { data: Record<string, string> };
    // ... the patch changes one key of argocd-cm and nothing else (a merge patch keeps the other keys)
    expect(Object.keys(patch)).toEqual(['data']);
    expect(patch.data).toEqual({ [HEALTH_CHECK_KEY]: `${APPLICATION_HEALTH_LUA}\n` });
    // ... and the README applies the patch, then exactly the projects and the root
    const readme = bootstrap?.files.get('bootstrap/README.md') ?? '';
    expect(readme).toContain(`kubectl -n argocd patch configmap argocd-cm --type merge --patch-file rendered/${env.name}/argocd/${HEALTH_PATCH_FILE}\n`);
    expect(readme).toContain([
      'kubectl apply -n argocd \\',
      `  -f rendered/${env.name}/argocd/AppProject.healthxcape-${env.name}-bootstrap.yaml \\`,
      `  -f rendered/${env.name}/argocd/AppProject.healthxcape-${env.name}.yaml \\`,
      `  -f rendered/${env.name}/argocd/Application.${env.name}-root.yaml`,
    ].join('\n'));
    expect(readme).toContain('git clone --branch rendered --depth 1 https://github.com/healthxcape/platform-config.git rendered\n');
  }
});

test('the health check reports the child\'s own health and starts as Progressing', () => {
  expect(APPLICATION_HEALTH_LUA).toContain('local result = { status = "Progressing", message = "" }');
  expect(APPLICATION_HEALTH_LUA).toContain('result.status = obj.status.health.status');
  expect(APPLICATION_HEALTH_LUA.trimEnd().endsWith('return result')).toBe(true);
});

test('an environment without a root Application gets no bootstrap files', () => {
  expect(bootstrapFiles({ name: 'dev', cluster: 'dev', context: { environment: 'dev', stage: 'development', platform: 'p', imagePullPolicy: 'IfNotPresent' }, applications: [], graph: [] }, 'rendered', 'r')).toBeUndefined();
});
