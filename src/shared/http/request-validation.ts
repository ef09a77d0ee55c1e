import { applyDecorators, UsePipes, ValidationPipe } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min, ValidateIf } from 'class-validator';
import { RequestValidationException } from './http-errors';

/** DTO validation (class-validator) for the admin API and the host product's API. */
export const REQUEST_VALIDATION_PIPE = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  forbidUnknownValues: true,
  exceptionFactory: (errors) => RequestValidationException.fromValidationErrors(errors),
});

/**
 * On every controller but the SCIM ones (the architecture test holds every non-SCIM route to it).
 * Not a global pipe: SCIM routes take raw JSON that the SCIM normalisers validate, and Nest runs a
 * global pipe for each parameter of each request all the same — measured, ~10 % of the CPU of a
 * SCIM lookup went to invoking it for nothing.
 */
export const ValidateRequests = () => UsePipes(REQUEST_VALIDATION_PIPE);

/**
 * Optional in a JSON body, but not null: absent means "keep" (PATCH) or "default" (POST), while null
 * is no valid name, list or value — class-validator's IsOptional would let it through to the use case.
 */
export const IsOptionalNotNull = () => ValidateIf((_object, value) => value !== undefined);

/** A name needs a visible character: names are stored trimmed, and `" "` would become `""`. */
export const IsNotBlank = () => Matches(/\S/, { message: '$property must not be blank' });

/**
 * One property decorator made of several, listed top to bottom as they would be stacked. TypeScript
 * applies a stack bottom-up and class-validator reports a field's problems in that order, so the
 * list is applied the same way.
 */
export const Stacked = (...decorators: PropertyDecorator[]): PropertyDecorator =>
  applyDecorators(...[...decorators].reverse());

/** `?limit=` of a listing: absent, or an integer from 1 to `max` (a query string's value is text). */
export const IsPageLimit = (max: number) =>
  Stacked(
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(max),
  );
