import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

/** The JSON of every error answer (JsonErrorFilter): the status, its name, the messages and the fields they name. */
const ERROR_BODY = {
  type: 'object',
  required: ['statusCode', 'message'],
  properties: {
    statusCode: { type: 'integer', example: 404 },
    error: { type: 'string', example: 'Not Found' },
    message: { type: 'array', items: { type: 'string' } },
    fields: { type: 'array', items: { type: 'string' }, description: 'the body fields or parameters the message is about' },
  },
};

/** The error answers of an endpoint in the OpenAPI document, each with when it comes: `@ApiAnswers({ 404: 'no such id' })`. */
export const ApiAnswers = (answers: Record<number, string>) =>
  applyDecorators(
    ...Object.entries(answers).map(([status, description]) => ApiResponse({ status: Number(status), description, schema: ERROR_BODY })),
  );
