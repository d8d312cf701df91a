import { randomBytes } from 'node:crypto';
import { isUploadSessionOf, issueUploadSessionId } from './upload-session-id';

describe('upload session ids', () => {
  const key = randomBytes(32);

  it('are valid in the repository they were issued for, and only there', () => {
    const id = issueUploadSessionId('team/app', key);

    expect(isUploadSessionOf(id, 'team/app', key)).toBe(true);
    expect(isUploadSessionOf(id, 'team/other', key)).toBe(false);
    expect(isUploadSessionOf(id, 'team/app', randomBytes(32))).toBe(false);
  });

  it('are unique, and fit the blob store (at most 64 of [A-Za-z0-9-])', () => {
    const ids = new Set(Array.from({ length: 100 }, () => issueUploadSessionId('team/app', key)));

    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9-]{1,64}$/);
  });

  it('reject a forged or altered MAC and anything that is not an id', () => {
    const id = issueUploadSessionId('team/app', key);
    const lastHex = id.at(-1) === '0' ? '1' : '0';

    expect(isUploadSessionOf(`${id.slice(0, -1)}${lastHex}`, 'team/app', key)).toBe(false);
    expect(isUploadSessionOf(`00000000-0000-0000-0000-000000000000-${'0'.repeat(24)}`, 'team/app', key)).toBe(false);
    expect(isUploadSessionOf(id.slice(0, 36), 'team/app', key)).toBe(false);
    expect(isUploadSessionOf(`${id}0`, 'team/app', key)).toBe(false);
    expect(isUploadSessionOf(id.toUpperCase(), 'team/app', key)).toBe(false);
    expect(isUploadSessionOf('../../etc/passwd', 'team/app', key)).toBe(false);
    expect(isUploadSessionOf('', 'team/app', key)).toBe(false);
  });
});
