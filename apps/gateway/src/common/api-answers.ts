import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

/**
 * The JSON of every error answer (JsonErrorFilter): the status, its name, the messages (a validation error's one per
 * problem; a plain HttpException's, the rate limit's or an unknown route's a single string) and the fields they name.
 * The document holds it once, as components.schemas.ErrorResponse.
 */
export const ERROR_RESPONSE = {
  type: 'object',
  required: ['statusCode', 'message'],
  properties: {
    statusCode: { type: 'integer', example: 404 },
    error: { type: 'string', example: 'Not Found' },
    message: { oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }], example: ['agent 3fa85f64… not found'] },
    fields: { type: 'array', items: { type: 'string' }, description: 'the body fields or parameters the message is about' },
  },
};
export const ERROR_RESPONSE_REF = { $ref: '#/components/schemas/ErrorResponse' };

/** The error answers of an endpoint in the OpenAPI document, each with when it comes: `@ApiAnswers({ 404: 'no such id' })`. */
export const ApiAnswers = (answers: Record<number, string>) =>
  applyDecorators(
    ...Object.entries(answers).map(([status, description]) =>
      ApiResponse({ status: Number(status), description, schema: ERROR_RESPONSE_REF }),
    ),
  );
