import { matchesLabels, parseLabelSelector, type LabelSelectorRequirement } from './label-selector';

const LONG_NAME = 'a'.repeat(63);
const TOO_LONG_NAME = 'a'.repeat(64);
const LONG_PREFIX = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`; // 253 characters

function req(key: string, operator: LabelSelectorRequirement['operator'], values: string[] = []): LabelSelectorRequirement {
  return { key, operator, values };
}

describe('parseLabelSelector: valid selectors', () => {
  it.each<[input: string, expected: LabelSelectorRequirement[]]>([
    ['', []],
    ['   ', []],
    ['app=web', [req('app', 'equals', ['web'])]],
    ['app==web', [req('app', 'equals', ['web'])]],
    ['app!=web', [req('app', 'notEquals', ['web'])]],
    ['app', [req('app', 'exists')]],
    ['!app', [req('app', 'doesNotExist')]],
    ['app in (web,db)', [req('app', 'in', ['web', 'db'])]],
    ['app notin (web,db)', [req('app', 'notIn', ['web', 'db'])]],
    ['app in(web)', [req('app', 'in', ['web'])]],
    ['  app  =  web  ,  ! tier , env in ( a , b )  ', [req('app', 'equals', ['web']), req('tier', 'doesNotExist'), req('env', 'in', ['a', 'b'])]],
    ['a=1,b!=2,c,!d,e in (x),f notin (y)', [
      req('a', 'equals', ['1']),
      req('b', 'notEquals', ['2']),
      req('c', 'exists'),
      req('d', 'doesNotExist'),
      req('e', 'in', ['x']),
      req('f', 'notIn', ['y']),
    ]],
    ['app=', [req('app', 'equals', [''])]],
    ['app!=,tier', [req('app', 'notEquals', ['']), req('tier', 'exists')]],
    ['app in ()', [req('app', 'in', [''])]],
    ['app in (web,,db,)', [req('app', 'in', ['web', '', 'db'])]],
    ['app in (web,web,db)', [req('app', 'in', ['web', 'db'])]],
    ['example.com/app=web', [req('example.com/app', 'equals', ['web'])]],
    ['app.kubernetes.io/name in (my_App-1.0)', [req('app.kubernetes.io/name', 'in', ['my_App-1.0'])]],
    ['Tier_1.x-y=Front_End', [req('Tier_1.x-y', 'equals', ['Front_End'])]],
    ['in=notin', [req('in', 'equals', ['notin'])]],
    ['x in (in,notin)', [req('x', 'in', ['in', 'notin'])]],
    [`${LONG_PREFIX}/${LONG_NAME}=${LONG_NAME}`, [req(`${LONG_PREFIX}/${LONG_NAME}`, 'equals', [LONG_NAME])]],
    ['a\t=\nb', [req('a', 'equals', ['b'])]],
  ])('%j', (input, expected) => {
    expect(parseLabelSelector(input)).toEqual({ ok: true, selector: { requirements: expected } });
  });
});

describe('parseLabelSelector: invalid selectors', () => {
  it.each<[input: string, error: string]>([
    ['Bad Key=x', 'found "Key" after label key "Bad", expected: "=", "==", "!=", "in", "notin", "," or end of selector'],
    ['-bad=x', 'invalid label key "-bad": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character'],
    ['bad-=x', 'invalid label key "bad-": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character'],
    [`${TOO_LONG_NAME}=x`, `invalid label key "${TOO_LONG_NAME}": name part must be no more than 63 characters`],
    ['/app=x', 'invalid label key "/app": prefix part must not be empty'],
    ['example.com/=x', 'invalid label key "example.com/": name part must not be empty'],
    ['a/b/c=x', 'invalid label key "a/b/c": must be a name optionally prefixed by a DNS subdomain and "/"'],
    ['Example.com/app=x', 'invalid label key "Example.com/app": prefix part must be a lowercase DNS subdomain (alphanumerics, \'-\' and \'.\', starting and ending with an alphanumeric)'],
    [`${LONG_PREFIX}a/app=x`, `invalid label key "${LONG_PREFIX}a/app": prefix part must be no more than 253 characters`],
    ['app=-web', 'invalid label value "-web": must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character'],
    [`app=${TOO_LONG_NAME}`, `invalid label value "${TOO_LONG_NAME}": must be no more than 63 characters`],
    ['app in (web,bad value)', 'found "value", expected: label value, "," or ")"'],
    ['app in (web', 'unexpected end of selector, expected: label value, "," or ")"'],
    ['app in web', 'found "web", expected: "("'],
    ['app in', 'unexpected end of selector, expected: "("'],
    ['app notin (a$)', 'invalid label value "a$": must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character'],
    ['!', 'unexpected end of selector, expected: label key'],
    ['!app=web', 'found "=", expected: "," or end of selector'],
    ['=web', 'found "=", expected: label key or "!"'],
    [')', 'found ")", expected: label key or "!"'],
    ['app=web,', 'unexpected end of selector, expected: label key or "!"'],
    [',app=web', 'found ",", expected: label key or "!"'],
    ['app=web,,tier', 'found ",", expected: label key or "!"'],
    ['app=web=db', 'found "=", expected: "," or end of selector'],
    ['app=(web)', 'found "(", expected: label value, "," or end of selector'],
    ['app ! = web', 'found "!", expected: "=", "==", "!=", "in", "notin", "," or end of selector'],
    ['app inn (web)', 'found "inn" after label key "app", expected: "=", "==", "!=", "in", "notin", "," or end of selector'],
    ['app in (a) b', 'found "b", expected: "," or end of selector'],
  ])('%j', (input, error) => {
    expect(parseLabelSelector(input)).toEqual({ ok: false, error });
  });
});

describe('matchesLabels', () => {
  it.each<[selector: string, labels: Record<string, string> | undefined, expected: boolean]>([
    ['', undefined, true],
    ['', { app: 'web' }, true],
    ['app=web', { app: 'web' }, true],
    ['app=web', { app: 'db' }, false],
    ['app=web', {}, false],
    ['app=web', undefined, false],
    ['app==web', { app: 'web', tier: 'front' }, true],
    ['app!=web', { app: 'db' }, true],
    ['app!=web', { app: 'web' }, false],
    ['app!=web', {}, true],
    ['app!=web', undefined, true],
    ['app', { app: '' }, true],
    ['app', { tier: 'web' }, false],
    ['!app', { tier: 'web' }, true],
    ['!app', { app: 'web' }, false],
    ['!app', undefined, true],
    ['app in (web,db)', { app: 'db' }, true],
    ['app in (web,db)', { app: 'cache' }, false],
    ['app in (web,db)', {}, false],
    ['app notin (web,db)', { app: 'cache' }, true],
    ['app notin (web,db)', { app: 'web' }, false],
    ['app notin (web,db)', {}, true],
    ['app=', { app: '' }, true],
    ['app=', {}, false],
    ['app in ()', { app: '' }, true],
    ['app=web,tier!=db,!legacy', { app: 'web', tier: 'front' }, true],
    ['app=web,tier!=db,!legacy', { app: 'web', tier: 'front', legacy: 'true' }, false],
    ['app=web,tier!=db,!legacy', { app: 'web', tier: 'db' }, false],
    ['App=web', { app: 'web' }, false],
    ['constructor', {}, false],
    ['!toString', {}, true],
    ['example.com/app=web', { 'example.com/app': 'web' }, true],
  ])('%j against %j → %s', (input, labels, expected) => {
    const parsed = parseLabelSelector(input);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(matchesLabels(parsed.selector, labels)).toBe(expected);
  });

  it('matches a hand-built selector without parsing', () => {
    const selector = { requirements: [req('app', 'in', ['web']), req('tier', 'exists')] };
    expect(matchesLabels(selector, { app: 'web', tier: '' })).toBe(true);
    expect(matchesLabels(selector, { app: 'web' })).toBe(false);
  });
});
