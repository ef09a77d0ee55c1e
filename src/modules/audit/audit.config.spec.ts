import { InvalidEnvironmentError } from '../../config/env.schema';
import { loadAuditConfig } from './audit.config';

describe('loadAuditConfig', () => {
  it('keeps entries forever when AUDIT_RETENTION_DAYS is unset or empty', () => {
    expect(loadAuditConfig({})).toEqual({ retentionDays: null });
    expect(loadAuditConfig({ AUDIT_RETENTION_DAYS: ' ' })).toEqual({ retentionDays: null });
  });

  it('reads a whole number of days', () => {
    expect(loadAuditConfig({ AUDIT_RETENTION_DAYS: '365' })).toEqual({ retentionDays: 365 });
    expect(loadAuditConfig({ AUDIT_RETENTION_DAYS: ' 1 ' })).toEqual({ retentionDays: 1 });
  });

  it.each(['0', '-1', '1.5', 'abc', '30d', '1e3'])('refuses %j naming the variable', (value) => {
    expect(() => loadAuditConfig({ AUDIT_RETENTION_DAYS: value })).toThrow(InvalidEnvironmentError);
    expect(() => loadAuditConfig({ AUDIT_RETENTION_DAYS: value })).toThrow(/AUDIT_RETENTION_DAYS/);
  });
});
