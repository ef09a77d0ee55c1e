import { HttpException, HttpStatus } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import type { DomainErrorKind } from '../domain/domain-error';

/** The HTTP status of each kind of domain error, on the admin/session routes and the SCIM routes alike. */
export const DOMAIN_ERROR_STATUS: Readonly<Record<DomainErrorKind, number>> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
};

export interface FieldProblem {
  field: string;
  problem: string;
}

/** 400 of the admin API: `{error, message, details: [{field, problem}]}` naming each bad field. */
export class RequestValidationException extends HttpException {
  constructor(readonly details: FieldProblem[]) {
    super({ error: 'invalid_request', message: 'request body is invalid', details }, HttpStatus.BAD_REQUEST);
  }

  static fromValidationErrors(errors: ValidationError[]): RequestValidationException {
    const details: FieldProblem[] = [];
    const walk = (list: ValidationError[], prefix: string) => {
      for (const e of list) {
        const field = prefix ? `${prefix}.${e.property}` : e.property;
        for (const problem of Object.values(e.constraints ?? {})) details.push({ field, problem });
        if (e.children?.length) walk(e.children, field);
      }
    };
    walk(errors, '');
    if (details.length === 0) details.push({ field: '(body)', problem: 'body must be a JSON object' });
    return new RequestValidationException(details);
  }
}
