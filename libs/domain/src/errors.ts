/** A business rule said no: the outcome is recorded with this reason and the job is not retried. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
