import { StatusError } from '@imagestreams/contracts';
import { decodeAuditContinue, encodeAuditContinue } from './audit-page';

describe('audit continue tokens', () => {
  it('round-trip a position', () => {
    const position = { at: '2026-01-02T03:04:05.678Z', id: '12345' };

    expect(decodeAuditContinue(encodeAuditContinue(position))).toEqual(position);
  });

  it.each(['', 'not base64 json', Buffer.from('["x","1"]').toString('base64url'), Buffer.from('["2026-01-02T03:04:05Z","1; DROP"]').toString('base64url'), Buffer.from('{}').toString('base64url')])(
    'answer 400 for the foreign token %p',
    (token) => {
      let thrown: unknown;
      try {
        decodeAuditContinue(token);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(StatusError);
      expect((thrown as StatusError).status).toMatchObject({ code: 400, reason: 'BadRequest', message: 'the continue token is not valid' });
    },
  );
});
