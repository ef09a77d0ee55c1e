import { userColumns, withoutPasswords } from './scim-user-common';

describe(withoutPasswords.name, () => {
  it('drops password keys at any depth, URN-qualified and in any case, and keeps everything else as sent', () => {
    const body = JSON.parse(
      '{"userName":"a@b.c","password":"p1","PassWord":"p2","urn:ietf:params:scim:schemas:core:2.0:User:password":"p3",' +
        '"urn:ietf:params:scim:schemas:core:2.0:User":{"password":"p4","title":null},"groups":[],"meta":{"resourceType":"User"},"__proto__":{"x":1}}',
    );
    const out = withoutPasswords(body);
    expect(JSON.stringify(out)).toBe(
      '{"userName":"a@b.c","urn:ietf:params:scim:schemas:core:2.0:User":{"title":null},"groups":[],"meta":{"resourceType":"User"},"__proto__":{"x":1}}',
    );
  });

  it('drops the value of PATCH operations on the password path and password keys of path-less values', () => {
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'replace', path: 'password', value: 'p1' },
        { op: 'Replace', Path: ' urn:ietf:params:scim:schemas:core:2.0:User:password ', Value: 'p2' },
        { op: 'replace', value: { password: 'p3', active: false } },
        { op: 'replace', path: 'displayName', value: 'password' },
      ],
    };
    expect(withoutPasswords(body)).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'replace', path: 'password' },
        { op: 'Replace', Path: ' urn:ietf:params:scim:schemas:core:2.0:User:password ' },
        { op: 'replace', value: { active: false } },
        { op: 'replace', path: 'displayName', value: 'password' },
      ],
    });
  });

  it('finds a password however deep it is, and hands a body without one back untouched (no copy)', () => {
    const nested = {
      Operations: [{ op: 'add', value: { 'urn:ietf:params:scim:schemas:core:2.0:User': { Password: 'p' } } }],
    };
    expect(withoutPasswords(nested)).toEqual({
      Operations: [{ op: 'add', value: { 'urn:ietf:params:scim:schemas:core:2.0:User': {} } }],
    });
    const clean = {
      userName: 'a@b.c',
      Operations: [{ op: 'replace', path: 'displayName', value: 'password' }],
      emails: [{ value: 'password@b.c' }],
    };
    expect(withoutPasswords(clean)).toBe(clean);
  });

  it('is what userColumns keeps as rawPayload', () => {
    const cols = userColumns({ userName: 'a@b.c', active: true }, { userName: 'a@b.c', password: 'secret' });
    expect(JSON.stringify(cols.rawPayload)).toBe('{"userName":"a@b.c"}');
  });
});
