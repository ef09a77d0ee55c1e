import { CodedDomainError, errorCodes, type ErrorCodeOf } from './coded-domain-error';
import { DomainError } from './domain-error';

const ExampleCode = errorCodes('EXAMPLE', { GONE: 'not_found', TAKEN: 'conflict' });
type ExampleCode = ErrorCodeOf<typeof ExampleCode>;
class ExampleError extends CodedDomainError<ExampleCode> {}

describe('errorCodes and CodedDomainError', () => {
  it('prefixes each code with the module and gives the error the kind its table declares', () => {
    expect(ExampleCode).toEqual({ GONE: 'EXAMPLE.GONE', TAKEN: 'EXAMPLE.TAKEN' });
    const error = new ExampleError(ExampleCode.TAKEN, 'taken', [{ field: 'name', problem: 'in use' }]);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      name: 'ExampleError',
      code: 'EXAMPLE.TAKEN',
      kind: 'conflict',
      message: 'taken',
      details: [{ field: 'name', problem: 'in use' }],
    });
    expect(new ExampleError(ExampleCode.GONE, 'gone')).toMatchObject({ kind: 'not_found', details: [] });
  });
});
