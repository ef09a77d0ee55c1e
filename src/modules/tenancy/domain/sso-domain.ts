/** A DNS name of at least two labels (RFC 1035 label rules, IDNs in punycode form). */
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Lower-cases, trims and validates SSO domains; returns the problems for the ones that are not. */
export function normaliseSsoDomains(input: readonly string[]): { domains: string[]; problems: string[] } {
  const domains: string[] = [];
  const problems: string[] = [];
  input.forEach((raw, i) => {
    const d = String(raw).trim().toLowerCase().replace(/\.$/, '');
    const labels = d.split('.');
    if (
      d.length > 253 ||
      labels.length < 2 ||
      !labels.every((l) => LABEL.test(l)) ||
      /^[0-9]+$/.test(labels[labels.length - 1])
    ) {
      problems.push(`ssoDomains[${i}]: "${String(raw).slice(0, 100)}" is not a domain name`);
    } else if (!domains.includes(d)) {
      domains.push(d);
    }
  });
  return { domains, problems };
}
