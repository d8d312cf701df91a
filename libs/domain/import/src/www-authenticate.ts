/**
 * One challenge from a `WWW-Authenticate` header (RFC 9110 §11.6.1). Scheme and parameter
 * names are case-insensitive, so both are lowercased; parameter values are kept as sent.
 */
export interface AuthChallenge {
  scheme: 'bearer' | 'basic' | string;
  params: Record<string, string>;
  /** The opaque credential form some schemes use instead of parameters (`Negotiate abc==`). */
  token68?: string;
}

/** What a registry's Bearer challenge tells the client about where to get a token. */
export interface BearerChallenge {
  realm: string;
  service?: string;
  scope?: string;
}

// RFC 9110 `tchar`: what a scheme, a parameter name or an unquoted value may be made of.
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
// RFC 9110 `token68`: a token plus `/`, then optional trailing `=` padding.
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;

/**
 * Splits a `WWW-Authenticate` value into its challenges. The grammar is ambiguous only at commas,
 * which separate both parameters and challenges: a comma followed by `name=` continues the
 * current challenge, anything else starts a new one. Registries put commas inside quoted values
 * (`scope="repository:a:pull,push"`), so quoted strings are read whole, honouring `\"` escapes.
 * Input that does not fit the grammar is skipped up to the next comma rather than rejected:
 * a registry's odd header should cost us one challenge, not the whole login.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  if (typeof header !== 'string') return [];
  const reader = new HeaderReader(header);
  const challenges: AuthChallenge[] = [];

  while (!reader.atEnd()) {
    reader.skipSeparators();
    if (reader.atEnd()) break;
    const scheme = reader.readToken();
    if (scheme === '') {
      reader.skipPastComma();
      continue;
    }
    // Parameter names come from the remote server: a prototype-less map keeps `__proto__` or
    // `constructor` ordinary keys instead of reaching Object.prototype.
    const params = Object.create(null) as Record<string, string>;
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params };
    readChallengeBody(reader, challenge);
    challenges.push(challenge);
  }
  return challenges;
}

/**
 * The first Bearer challenge that names a realm, which is the token endpoint the registry wants
 * us to use; a Bearer challenge without a realm gives the client nowhere to go, so it is passed over.
 */
export function bearerChallenge(challenges: readonly AuthChallenge[]): BearerChallenge | undefined {
  const bearer = challenges.find((challenge) => challenge.scheme === 'bearer' && challenge.params['realm']);
  if (!bearer) return undefined;
  const result: BearerChallenge = { realm: bearer.params['realm'] };
  if (bearer.params['service']) result.service = bearer.params['service'];
  if (bearer.params['scope']) result.scope = bearer.params['scope'];
  return result;
}

function readChallengeBody(reader: HeaderReader, challenge: AuthChallenge): void {
  // A scheme needs at least one space before its parameters; `Basic,` or the end means none.
  if (!reader.skipSpaces()) return;

  const token68 = reader.tryReadToken68();
  if (token68 !== undefined) {
    challenge.token68 = token68;
    return;
  }

  for (;;) {
    reader.skipSpaces();
    const mark = reader.position;
    const name = reader.readToken();
    reader.skipSpaces();
    if (name === '' || !reader.consume('=')) {
      // Not `name=`: this is the next challenge's scheme (or junk), so hand it back.
      reader.position = mark;
      return;
    }
    reader.skipSpaces();
    const value = reader.readValue();
    const key = name.toLowerCase();
    // A repeated parameter is a server bug (the RFC forbids it); keeping the first makes the result
    // deterministic and stops a later copy from overriding the realm.
    if (!Object.hasOwn(challenge.params, key)) challenge.params[key] = value;

    // A missing comma between parameters is tolerated: the next round decides whether what
    // follows is another `name=` or the next challenge's scheme.
    reader.skipSeparators();
    if (reader.atEnd()) return;
  }
}

/**
 * A cursor over the header text. It steps back only to hand one scheme name to the next
 * challenge, which then consumes it, so parsing stays linear in the header length.
 */
class HeaderReader {
  position = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  /** Returns whether any space was skipped, because a scheme and its parameters need one. */
  skipSpaces(): boolean {
    const start = this.position;
    while (!this.atEnd() && (this.peek() === ' ' || this.peek() === '\t')) this.position++;
    return this.position > start;
  }

  /** Empty list elements (`a, , b`) are allowed by the list syntax. */
  skipSeparators(): void {
    while (!this.atEnd() && (this.peek() === ' ' || this.peek() === '\t' || this.peek() === ',')) this.position++;
  }

  skipPastComma(): void {
    while (!this.atEnd() && this.peek() !== ',') {
      if (this.peek() === '"') this.readQuoted();
      else this.position++;
    }
    if (!this.atEnd()) this.position++;
  }

  consume(char: string): boolean {
    if (this.peek() !== char) return false;
    this.position++;
    return true;
  }

  readToken(): string {
    const start = this.position;
    while (!this.atEnd() && TOKEN_CHAR.test(this.peek())) this.position++;
    return this.text.slice(start, this.position);
  }

  /**
   * A token68 is only recognised when it is the whole challenge body, i.e. followed by a comma
   * or the end; `realm=x` also starts with token68 characters, hence the look-ahead.
   */
  tryReadToken68(): string | undefined {
    const start = this.position;
    let end = start;
    while (end < this.text.length && TOKEN68_CHAR.test(this.text[end])) end++;
    if (end === start) return undefined;
    while (end < this.text.length && this.text[end] === '=') end++;
    let after = end;
    while (after < this.text.length && (this.text[after] === ' ' || this.text[after] === '\t')) after++;
    if (after < this.text.length && this.text[after] !== ',') return undefined;
    this.position = after;
    return this.text.slice(start, end);
  }

  /**
   * A quoted string, or a bare value up to the next comma or space. Bare values may hold `/`
   * and `:`, which are not token characters, because some registries send unquoted realm URLs.
   */
  readValue(): string {
    if (this.peek() === '"') return this.readQuoted();
    const start = this.position;
    while (!this.atEnd() && this.peek() !== ',' && this.peek() !== ' ' && this.peek() !== '\t') this.position++;
    return this.text.slice(start, this.position);
  }

  /** Reads `"..."` with `\x` meaning a literal x; an unterminated string runs to the end. */
  private readQuoted(): string {
    this.position++;
    let value = '';
    while (!this.atEnd()) {
      const char = this.text[this.position++];
      if (char === '"') return value;
      if (char === '\\' && !this.atEnd()) value += this.text[this.position++];
      else value += char;
    }
    return value;
  }

  private peek(): string {
    return this.text[this.position];
  }
}
