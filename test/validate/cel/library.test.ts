/**
 * The Kubernetes CEL libraries (tools/validate/cel/library.ts with net.ts, quantity.ts, urls.ts): the examples
 * of the upstream documentation comments (kubernetes v1.32.0, staging/src/k8s.io/apiserver/pkg/cel/library/
 * lists.go, regex.go, urls.go, quantity.go, ip.go, cidr.go; cel-go v0.22.0 ext/sets.go), evaluated here.
 */
import { isCelError } from '@bufbuild/cel';
import { compileExpression } from '../../../tools/validate/cel/environment';

/** The result of a closed expression, or `ERROR: <message>`. */
function run(text: string): unknown {
  const compiled = compileExpression(text);
  if (!compiled.ok) throw new Error(`${text}: ${compiled.reason}`);
  const result = compiled.program({});
  return isCelError(result) ? `ERROR: ${result.message}` : result;
}

/** Expressions documented as true upstream (each is the doc example written as a comparison). */
const TRUE_EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  'lists.go': [
    '[1, 2, 3].isSorted()', "['a', 'b', 'b', 'c'].isSorted()", '![2.0, 1.0].isSorted()', '[1].isSorted()', '[].isSorted()',
    '[1, 3].sum() == 4', '[1.0, 3.0].sum() == 4.0', '[].sum() == 0', "[duration('1m'), duration('1s')].sum() == duration('61s')",
    '[1, 3].min() == 1', '[1, 3].max() == 3', '[1].min() == 1',
    '[1, 2, 2, 3].indexOf(2) == 1', "['a', 'b', 'b', 'c'].lastIndexOf('b') == 2", '[1.0].indexOf(1.1) == -1', "[].indexOf('string') == -1",
  ],
  'regex.go': [
    "'abc 123'.find('[0-9]+') == '123'", "'abc 123'.find('xyz') == ''",
    "'123 abc 456'.findAll('[0-9]+') == ['123', '456']", "'123 abc 456'.findAll('[0-9]+', 1) == ['123']", "'123 abc 456'.findAll('xyz') == []",
    "'ABC'.find('(?i)b') == 'B'",
  ],
  'urls.go': [
    "isURL('https://user:pass@example.com:80/path?query=val#fragment')", "isURL('/absolute-path')", "!isURL('https://a:b:c/')", "!isURL('../relative-path')",
    "url('/path').getScheme() == ''", "url('https://example.com/').getScheme() == 'https'",
    "url('https://example.com:80/').getHost() == 'example.com:80'", "url('https://example.com/').getHost() == 'example.com'",
    "url('https://[::1]:80/').getHost() == '[::1]:80'", "url('https://[::1]/').getHost() == '[::1]'", "url('/path').getHost() == ''",
    "url('https://example.com:80/').getHostname() == 'example.com'", "url('https://127.0.0.1:80/').getHostname() == '127.0.0.1'",
    "url('https://[::1]:80/').getHostname() == '::1'", "url('/path').getHostname() == ''",
    "url('https://example.com:80/').getPort() == '80'", "url('https://example.com/').getPort() == ''", "url('/path').getPort() == ''",
    "url('https://example.com/path').getEscapedPath() == '/path'", "url('https://example.com/path with spaces/').getEscapedPath() == '/path%20with%20spaces/'",
    "url('https://example.com').getEscapedPath() == ''",
    "url('https://example.com/path?k1=a&k2=b&k2=c').getQuery() == {'k1': ['a'], 'k2': ['b', 'c']}",
    "url('https://example.com/path?key with spaces=value with spaces').getQuery() == {'key with spaces': ['value with spaces']}",
    "url('https://example.com/path?').getQuery() == {}", "url('https://example.com/path').getQuery() == {}",
  ],
  'quantity.go': [
    "isQuantity('1.3G')", "isQuantity('1.3Gi')", "!isQuantity('1,3G')", "isQuantity('10000k')", "!isQuantity('200K')", "!isQuantity('Three')", "!isQuantity('Mi')",
    "quantity('50000000G').isInteger()", "quantity('50k').isInteger()", "!quantity('9999999999999999999999999999999999999G').isInteger()",
    "quantity('50k').asInteger() == 50000", "quantity('50k').sub(20000).asApproximateFloat() == 30000.0",
    "quantity('50k').add(quantity('20k')) == quantity('70k')", "quantity('50k').add(20) == quantity('50020')",
    "quantity('50k').sub(quantity('20k')) == quantity('30k')", "quantity('50k').sub(20000) == quantity('30k')",
    "quantity('50k').add(20).sub(quantity('100k')).sub(-50000) == quantity('20')",
    "quantity('200M').compareTo(quantity('0.2G')) == 0", "quantity('50M').compareTo(quantity('50Mi')) == -1", "quantity('50Mi').compareTo(quantity('50M')) == 1",
    "quantity('150Mi').isGreaterThan(quantity('100Mi'))", "!quantity('50Mi').isGreaterThan(quantity('100Mi'))",
    "quantity('50M').isLessThan(quantity('100M'))", "!quantity('100M').isLessThan(quantity('50M'))",
    "quantity('-1').sign() == -1 && quantity('0').sign() == 0 && quantity('1m').sign() == 1",
    // Values finer than a nano are rounded up, as ParseQuantity does.
    "quantity('0.0000000001') == quantity('1n')",
  ],
  'ip.go': [
    "isIP('127.0.0.1')", "isIP('::1')", "!isIP('127.0.0.256')", "!isIP(':::1')",
    "!isIP('::ffff:1.2.3.4')", "!isIP('fe80::1%eth0')", "!isIP('01.2.3.4')",
    "ip.isCanonical('127.0.0.1')", "ip.isCanonical('2001:db8::abcd')", "!ip.isCanonical('2001:DB8::ABCD')", "!ip.isCanonical('2001:db8::0:0:0:abcd')",
    "ip('127.0.0.1').family() == 4", "ip('::1').family() == 6",
    "ip('0.0.0.0').isUnspecified()", "!ip('127.0.0.1').isUnspecified()", "ip('::').isUnspecified()", "!ip('::1').isUnspecified()",
    "ip('127.0.0.1').isLoopback()", "!ip('192.168.0.1').isLoopback()", "ip('::1').isLoopback()", "!ip('2001:db8::abcd').isLoopback()",
    "ip('224.0.0.1').isLinkLocalMulticast()", "!ip('224.0.1.1').isLinkLocalMulticast()", "ip('ff02::1').isLinkLocalMulticast()", "!ip('fd00::1').isLinkLocalMulticast()",
    "ip('169.254.169.254').isLinkLocalUnicast()", "!ip('192.168.0.1').isLinkLocalUnicast()", "ip('fe80::1').isLinkLocalUnicast()", "!ip('fd80::1').isLinkLocalUnicast()",
    "ip('192.168.0.1').isGlobalUnicast()", "!ip('255.255.255.255').isGlobalUnicast()", "ip('2001:db8::abcd').isGlobalUnicast()", "!ip('ff00::1').isGlobalUnicast()",
    "string(ip('2001:DB8:0:0::1')) == '2001:db8::1'", "ip('::1') == ip('0:0:0:0:0:0:0:1')",
  ],
  'cidr.go': [
    "isCIDR('192.168.0.0/16')", "isCIDR('::1/128')", "!isCIDR('192.168.0.0/33')", "!isCIDR('::1/129')", "!isCIDR('::ffff:1.2.3.4/24')",
    "cidr('192.168.0.0/24').containsIP(ip('192.168.0.1'))", "!cidr('192.168.0.0/24').containsIP(ip('192.168.1.1'))",
    "cidr('192.168.0.0/24').containsIP('192.168.0.1')", "!cidr('192.168.0.0/24').containsIP('192.168.1.1')",
    "cidr('192.168.0.0/16').containsCIDR(cidr('192.168.10.0/24'))", "!cidr('192.168.1.0/24').containsCIDR(cidr('192.168.2.0/24'))",
    "cidr('192.168.0.0/16').containsCIDR('192.168.10.0/24')", "!cidr('192.168.1.0/24').containsCIDR('192.168.2.0/24')",
    "cidr('192.168.0.1/24').ip() == ip('192.168.0.1')", "cidr('192.168.0.1/24').ip().family() == 4", "cidr('::1/128').ip() == ip('::1')", "cidr('::1/128').ip().family() == 6",
    "cidr('192.168.0.0/24').masked() == cidr('192.168.0.0/24')", "cidr('192.168.0.1/24').masked() == cidr('192.168.0.0/24')",
    "cidr('192.168.0.0/24') == cidr('192.168.0.0/24').masked()", "cidr('192.168.0.1/24') != cidr('192.168.0.1/24').masked()",
    "cidr('192.168.0.0/16').prefixLength() == 16", "cidr('::1/128').prefixLength() == 128", "string(cidr('10.0.0.0/8')) == '10.0.0.0/8'",
  ],
  'ext/sets.go': [
    'sets.contains([], [])', 'sets.contains([1, 2, 3, 4], [2, 3])', '!sets.contains([1, 2, 3], [3, 4])', 'sets.contains([1, 2.0, 3u], [1.0, 2u, 3])',
    'sets.equivalent([1, 2, 3], [3u, 2.0, 1])', '!sets.equivalent([1, 2], [2, 2, 2, 3])',
    'sets.intersects([1], [1.0, 2])', '!sets.intersects([1], [])',
  ],
  'strings extension (cel-go ext/strings.go, version 2)': [
    "'hello'.charAt(1) == 'e'", "'hello mellow'.indexOf('ello') == 1", "'TacoCat'.lowerAscii() == 'tacocat'", "'a,b'.split(',') == ['a', 'b']",
    "'tacocat'.substring(4) == 'cat'", "'  trim\\n '.trim() == 'trim'", "['a', 'b'].join('-') == 'a-b'", "'%d items'.format([3]) == '3 items'",
    "'hello hello'.replace('he', 'we', 1) == 'wello hello'", "strings.quote('a\"b') == '\"a\\\\\"b\"'",
  ],
  'optional.none() (oldSelf of optionalOldSelf rules on create)': [
    '!optional.none().hasValue()', 'optional.none().orValue(3) == 3', '!optional.none().or(optional.none()).hasValue()',
  ],
};

describe.each(Object.entries(TRUE_EXAMPLES))('%s', (_file, examples) => {
  test.each(examples)('%s', (text) => {
    expect(run(text)).toBe(true);
  });
});

describe('errors the API server raises', () => {
  test.each([
    ['[].min()', 'min called on empty list'],
    ["quantity('200K')", "unable to parse quantity's suffix"],
    ["quantity('Three')", 'quantities must match the regular expression'],
    ["quantity('9999999999999999999999999999999999999G').asInteger()", 'cannot convert value to integer'],
    ["ip('127.0.0.256')", 'parse error during conversion from string'],
    ["ip('::ffff:1.2.3.4')", 'IPv4-mapped IPv6 address "::ffff:1.2.3.4" is not allowed'],
    ["ip('fe80::1%eth0')", 'with zone value is not allowed'],
    ["cidr('192.168.0.0/33')", 'network address parse error'],
    ["url('../relative-path')", 'invalid URI for request'],
    ["url('https://a:b:c/')", 'invalid port'],
    ['optional.none().value()', 'optional.none() dereference'],
  ])('%s', (text, message) => {
    expect(run(text)).toEqual(expect.stringContaining(message));
  });
});
