/**
 * Credentials were presented and are not acceptable: malformed, unknown, expired or revoked. Never
 * read as anonymous; the HTTP edges answer 401 (a Status on `/api(s)`, an OCI error on `/v2`).
 */
export class AuthenticationFailed extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'AuthenticationFailed';
  }
}
