/**
 * Validation handed over in batches (tools/validate/index.ts `ValidationSession`): the directories of one App
 * begun, their applications checked one at a time as they are rendered, the checks across each cluster's objects
 * at the batch's end. The reference platform's rendered directories, as plain data.
 */
import type { RenderedApplication } from '../../tools/synth/render';
import { validateEnvironments, ValidationSession } from '../../tools/validate';
import { referenceDirectories, referenceDirectory } from '../helpers';

const directories = referenceDirectories();
const directory = referenceDirectory;

/** `application` with its first object's name a number (a schema error of that object alone). */
function withNumericName(application: RenderedApplication): RenderedApplication {
  return { ...application, objects: application.objects.map((o, i) => (i === 0 ? { ...o, object: { ...o.object, metadata: { ...o.object.metadata, name: 7 as unknown as string } } } : o)) };
}

/** `application` without its Services (the Deployment's probes and other objects referring to them dangle). */
function withoutServices(application: RenderedApplication): RenderedApplication {
  return { ...application, objects: application.objects.filter((o) => o.object.kind !== 'Service') };
}

describe('ValidationSession batches', () => {
  test('the applications of every directory checked one at a time find what checking the directories whole finds', () => {
    // GIVEN every reference directory WHEN validated whole, and in batches application by application
    const whole = validateEnvironments(directories);
    const session = new ValidationSession();
    for (const env of directories) {
      session.begin([env]);
      for (const application of env.applications) session.checkApplication(env.name, application);
      session.end();
    }
    const batched = session.finish();
    // THEN the findings, the counts and the CEL figures are the same
    expect(batched.findings).toEqual(whole.findings);
    expect([...batched.checked]).toEqual([...whole.checked]);
    expect(batched.checked.size).toBe(directories.length);
    expect(batched.cel).toEqual(whole.cel);
  });

  test('checkApplication returns the errors an application\'s objects have alone; the cluster-wide ones come at the end', () => {
    // GIVEN dev, its first application's first object with a numeric name, another application without its Services
    const dev = directory('dev');
    const [first, ...rest] = dev.applications;
    if (first === undefined) throw new Error('dev has no application');
    const withService = rest.find((a) => a.objects.some((o) => o.object.kind === 'Service'));
    if (withService === undefined) throw new Error('no application of dev renders a Service');
    const session = new ValidationSession();
    // WHEN the batch is handed over
    session.begin([dev]);
    const errorsOfFirst = session.checkApplication('dev', withNumericName(first));
    const errorsOfRest = rest.map((a) => session.checkApplication('dev', a === withService ? withoutServices(a) : a));
    const atEnd = session.end();
    // THEN the broken object's errors are counted where it was checked, the missing Services only at the end
    expect(errorsOfFirst).toBeGreaterThan(0);
    expect(errorsOfRest.every((n) => n === 0)).toBe(true);
    expect(atEnd.errors.filter((f) => f.application === first.name && !f.rule.startsWith('ref/')).length).toBe(errorsOfFirst);
    expect(atEnd.errors.some((f) => f.rule.startsWith('ref/'))).toBe(true);
  });

  test('an application of a directory the batch did not begin, a second begin, an end without begin and a finish inside a batch are refused', () => {
    // GIVEN a session with dev's batch begun
    const session = new ValidationSession();
    const dev = directory('dev');
    const prod = directory('prod');
    session.begin([dev]);
    // WHEN it is misused THEN each call names what is wrong
    expect(() => session.checkApplication('prod', prod.applications[0] as RenderedApplication)).toThrow("directory 'prod' is not in the batch begun");
    expect(() => session.begin([prod])).toThrow('the previous batch was not ended');
    expect(() => session.finish()).toThrow('a batch was not ended');
    session.end();
    expect(() => session.end()).toThrow('no batch was begun');
  });
});
