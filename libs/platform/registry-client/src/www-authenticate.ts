/** One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1). */
export interface AuthChallenge {
  /** Lowercased: `bearer`, `basic`, ... */
  scheme: string;
  /** Parameter names lowercased; quoted values unescaped. */
  params: Record<string, string>;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Parses every challenge of one or more `WWW-Authenticate` header values. Lenient: what cannot be
 * parsed ends the current challenge instead of throwing; token68 credentials are skipped.
 */
export function parseWwwAuthenticate(header: string | string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  const values = Array.isArray(header) ? header : [header];
  return values.flatMap(parseOne);
}

function parseOne(input: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let pos = 0;

  const skipSpace = () => {
    while (pos < input.length && (input[pos] === ' ' || input[pos] === '\t')) pos++;
  };
  const readToken = (): string => {
    const start = pos;
    while (pos < input.length && TOKEN_CHAR.test(input[pos])) pos++;
    return input.slice(start, pos);
  };
  const readQuoted = (): string => {
    // input[pos] === '"'
    pos++;
    let value = '';
    while (pos < input.length && input[pos] !== '"') {
      if (input[pos] === '\\' && pos + 1 < input.length) pos++;
      value += input[pos++];
    }
    pos++; // closing quote (or end)
    return value;
  };
  /** Unquoted values: token characters in theory; registries put URLs there, so anything up to a comma or space. */
  const readBare = (): string => {
    const start = pos;
    while (pos < input.length && input[pos] !== ',' && input[pos] !== ' ' && input[pos] !== '\t') pos++;
    return input.slice(start, pos);
  };
  /**
   * At pos: `name=value` (an auth-param) rather than the next challenge's scheme or a token68
   * (`abc==`, i.e. `=` followed by `=`, a comma or the end).
   */
  const atParam = (): boolean => {
    const save = pos;
    const name = readToken();
    skipSpace();
    let isParam = name.length > 0 && input[pos] === '=';
    if (isParam) {
      pos++;
      skipSpace();
      isParam = pos < input.length && input[pos] !== '=' && input[pos] !== ',';
    }
    pos = save;
    return isParam;
  };

  while (pos < input.length) {
    skipSpace();
    while (input[pos] === ',') {
      pos++;
      skipSpace();
    }
    if (pos >= input.length) break;
    const scheme = readToken();
    if (!scheme) {
      // Not a token: give up on the rest of this value.
      break;
    }
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    skipSpace();
    // token68 (`Basic dXNlcg==`): skip it, it carries no parameters.
    if (pos < input.length && input[pos] !== ',' && !atParam()) {
      const start = pos;
      while (pos < input.length && /[A-Za-z0-9\-._~+/]/.test(input[pos])) pos++;
      while (input[pos] === '=') pos++;
      if (pos === start) break;
      skipSpace();
    }
    // auth-params separated by commas, until something that is not `name=`.
    for (;;) {
      skipSpace();
      if (!atParam()) break;
      const name = readToken().toLowerCase();
      skipSpace();
      pos++; // '='
      skipSpace();
      const value = input[pos] === '"' ? readQuoted() : readBare();
      if (!(name in challenge.params)) challenge.params[name] = value;
      skipSpace();
      if (input[pos] !== ',') break;
      while (input[pos] === ',') {
        pos++;
        skipSpace();
      }
    }
  }
  return challenges;
}
