import { Maildev } from '../../constructs';
import { applicationChart, at, findObject, synth } from '../helpers';

describe('Maildev', () => {
  test('SMTP on 1025 and the web inbox on 1080, probed on /healthz, as uid 1000', () => {
    const { chart } = applicationChart('maildev', { namespace: 'maildev' });
    const maildev = new Maildev(chart, 'maildev', { image: { repository: 'maildev/maildev', tag: '2.2.1' } });
    const objects = synth(chart);
    expect(at(findObject(objects, 'Service', 'maildev'), 'spec.ports')).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'http', port: 1080 }), expect.objectContaining({ name: 'smtp', port: 1025 })]));
    const pod = at(findObject(objects, 'Deployment', 'maildev'), 'spec.template.spec') as Record<string, unknown>;
    expect(at(pod, 'containers.0.readinessProbe.httpGet.path')).toBe('/healthz');
    expect(at(pod, 'securityContext.runAsUser')).toBe(1000);
    expect(maildev.smtpHost).toBe('maildev.maildev.svc');
  });

  test('refuses an unknown option', () => {
    expect(() => new Maildev(applicationChart().chart, 'm', { image: { repository: 'maildev/maildev', tag: '2.2.1' }, resource: {} } as never)).toThrow(/rename it to 'resources'/);
  });
});

describe('Maildev resources', () => {
  test('an override of one limit keeps the tool\'s other defaults', () => {
    const { chart } = applicationChart('maildev', { namespace: 'maildev' });
    new Maildev(chart, 'maildev', { image: { repository: 'maildev/maildev', tag: '2.2.1' }, resources: { limits: { memory: '512Mi' } } });
    expect(at(findObject(synth(chart), 'Deployment', 'maildev'), 'spec.template.spec.containers.0.resources')).toEqual({ requests: { cpu: '25m', memory: '64Mi' }, limits: { cpu: '250m', memory: '512Mi' } });
  });
});
