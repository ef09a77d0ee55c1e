import { InvalidEnvironmentError, validateEnv } from '../../config/env.schema';

describe('AUDIT_RETENTION_DAYS', () => {
  it('keeps entries forever when unset or empty', () => {
    expect(validateEnv({}).AUDIT_RETENTION_DAYS).toBeUndefined();
    expect(validateEnv({ AUDIT_RETENTION_DAYS: ' ' }).AUDIT_RETENTION_DAYS).toBeUndefined();
  });

  it('accepts whole days', () => {
    expect(validateEnv({ AUDIT_RETENTION_DAYS: '365' }).AUDIT_RETENTION_DAYS).toBe(365);
    expect(validateEnv({ AUDIT_RETENTION_DAYS: ' 1 ' }).AUDIT_RETENTION_DAYS).toBe(1);
  });

  it.each(['0', '-5', '1.5', 'forever', '30d'])('stops boot on %j, naming the variable', (value) => {
    expect(() => validateEnv({ AUDIT_RETENTION_DAYS: value })).toThrow(InvalidEnvironmentError);
    expect(() => validateEnv({ AUDIT_RETENTION_DAYS: value })).toThrow(/AUDIT_RETENTION_DAYS/);
  });
});
