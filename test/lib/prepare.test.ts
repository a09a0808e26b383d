/**
 * Render-time composition (constructs/lib/prepare.ts): hooks run phase by phase, in construct-tree order, once,
 * including hooks that other hooks register.
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { onPrepare, prepareApp } from '../../constructs';

test('GIVEN hooks of both phases registered out of tree order WHEN the App is prepared THEN derive hooks run before gitops hooks, each phase in tree order', () => {
  // GIVEN
  const app = new App();
  const ran: string[] = [];
  const a = new Chart(app, 'a');
  const b = new Chart(app, 'b');
  onPrepare(b, 'gitops', () => ran.push('b:gitops'));
  onPrepare(b, 'derive', () => ran.push('b:derive'));
  onPrepare(a, 'gitops', () => ran.push('a:gitops'));
  onPrepare(new Construct(a, 'child'), 'derive', () => ran.push('a/child:derive'));
  // WHEN
  prepareApp(app);
  // THEN
  expect(ran).toEqual(['a/child:derive', 'b:derive', 'a:gitops', 'b:gitops']);
});

test('GIVEN a hook that creates constructs with hooks of its own phase and of the next WHEN prepared THEN those run too, each once', () => {
  // GIVEN
  const app = new App();
  const ran: string[] = [];
  const chart = new Chart(app, 'chart');
  onPrepare(chart, 'derive', () => {
    ran.push('first');
    const made = new Construct(chart, 'made');
    onPrepare(made, 'derive', () => ran.push('made:derive'));
    onPrepare(made, 'gitops', () => ran.push('made:gitops'));
  });
  onPrepare(chart, 'gitops', () => {
    ran.push('gitops');
    onPrepare(new Construct(chart, 'late'), 'gitops', () => ran.push('late:gitops'));
  });
  // WHEN
  prepareApp(app);
  prepareApp(app);
  // THEN
  expect(ran).toEqual(['first', 'made:derive', 'gitops', 'made:gitops', 'late:gitops']);
});

test('GIVEN hooks in another App WHEN one App is prepared THEN only its own hooks run', () => {
  const ran: string[] = [];
  const one = new App();
  const other = new App();
  onPrepare(new Chart(one, 'c'), 'derive', () => ran.push('one'));
  onPrepare(new Chart(other, 'c'), 'derive', () => ran.push('other'));
  prepareApp(one);
  expect(ran).toEqual(['one']);
});
