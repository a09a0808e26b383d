/**
 * `Argocd-reference-commit-*` trailers, parsed as Argo CD v3.5.1 does (util/git/client.go GetReferences,
 * util/hydrator/hydrator.go GetCommitMetadata). The command on a real repository: ownership.test.ts.
 */
import { formatAddress, hydratorSubjectAndBody, referencesFromTrailers } from '../../tools/publish/trailers';

const SHA = '0123456789abcdef0123456789abcdef01234567';

test('valid trailers become one reference, in Argo CD\'s field order and formats', () => {
  // GIVEN the trailer block of a commit made by an image-bump bot
  const trailers = [
    'Signed-off-by: Bot <bot@example.com>',
    'Argocd-reference-commit-repourl: https://git.example.com/owner/app',
    'Argocd-reference-commit-sha: ' + SHA,
    'Argocd-reference-commit-subject: Fix the login page',
    'Argocd-reference-commit-body: "Fix the login page\\n\\nSigned-off-by: Author Name <author@example.com>"',
    'Argocd-reference-commit-date: 2025-06-09T13:50:18-04:00',
    'Argocd-reference-commit-author: Author Name <author@example.com>',
    '',
  ].join('\n');

  // WHEN
  const references = referencesFromTrailers(trailers);

  // THEN
  expect(references).toEqual([{
    commit: {
      author: '"Author Name" <author@example.com>',
      date: '2025-06-09T13:50:18-04:00',
      subject: 'Fix the login page',
      body: 'Fix the login page\n\nSigned-off-by: Author Name <author@example.com>',
      sha: SHA,
      repoUrl: 'https://git.example.com/owner/app',
    },
  }]);
  expect(Object.keys(references[0]?.commit ?? {})).toEqual(['author', 'date', 'subject', 'body', 'sha', 'repoUrl']);
});

test('invalid or unknown reference trailers are ignored, and without valid ones there is no reference', () => {
  // GIVEN trailers that fail upstream's checks
  const trailers = [
    'Argocd-reference-commit-sha: ABCDEF', // upper case
    'Argocd-reference-commit-date: 9 June 2025', // not RFC 3339
    'Argocd-reference-commit-author: not an address',
    'Argocd-reference-commit-body: not JSON',
    'Argocd-reference-commit-colour: blue',
    'Argocd-reference-commit-subject:no space after the colon',
  ].join('\n');

  // WHEN / THEN
  expect(referencesFromTrailers(trailers)).toEqual([]);
  expect(referencesFromTrailers('')).toEqual([]);
  // ... and one valid trailer among them still makes a reference of its own
  expect(referencesFromTrailers(`${trailers}\nArgocd-reference-commit-sha: abc12`)).toEqual([{ commit: { sha: 'abc12' } }]);
});

test('dates are re-formatted as Go writes RFC 3339: no fraction, Z for UTC', () => {
  expect(referencesFromTrailers('Argocd-reference-commit-date: 2025-06-09T13:50:18.123+00:00')).toEqual([{ commit: { date: '2025-06-09T13:50:18Z' } }]);
  expect(referencesFromTrailers('Argocd-reference-commit-date: 2025-02-30T13:50:18Z')).toEqual([]);
});

test('subject and body: the message cut at the first blank line, valid reference trailers removed, lines newline-terminated', () => {
  // GIVEN
  const message = [
    'Bump frontend to v1.0.3',
    '',
    'Built from the release pipeline.',
    '',
    'Signed-off-by: Bot <bot@example.com>',
    `Argocd-reference-commit-sha: ${SHA}`,
    'Argocd-reference-commit-date: yesterday',
  ].join('\n');

  // WHEN
  const { subject, body } = hydratorSubjectAndBody(`${message}\n\n`);

  // THEN the invalid date trailer stays in the body, as upstream keeps lines it could not use
  expect(subject).toBe('Bump frontend to v1.0.3');
  expect(body).toBe('Built from the release pipeline.\n\nSigned-off-by: Bot <bot@example.com>\nArgocd-reference-commit-date: yesterday\n');
  expect(hydratorSubjectAndBody('Only a subject')).toEqual({ subject: 'Only a subject', body: '' });
});

test('author addresses are written as Go\'s mail.Address.String()', () => {
  expect(formatAddress('Author Name <author@example.com>')).toBe('"Author Name" <author@example.com>');
  expect(formatAddress('"Last, First" <first.last@example.com>')).toBe('"Last, First" <first.last@example.com>');
  expect(formatAddress('bot@example.com')).toBe('<bot@example.com>');
  // Non-ASCII names become RFC 2047 encoded-words (Q encoding; B when the name has specials such as a comma)
  expect(formatAddress('José <jose@example.com>')).toBe('=?utf-8?q?Jos=C3=A9?= <jose@example.com>');
  expect(formatAddress('"Müller, Jörg" <j@example.com>')).toBe(`=?utf-8?b?${Buffer.from('Müller, Jörg').toString('base64')}?= <j@example.com>`);
  expect(formatAddress('no at sign')).toBeUndefined();
});
