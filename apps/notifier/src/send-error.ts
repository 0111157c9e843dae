/**
 * Why a send did not happen. `definite`: the message certainly did not reach the recipient (the connection was
 * refused, the server answered an error), so sending again cannot duplicate it: retried with backoff. Otherwise (a
 * timeout or a connection lost after the request went out, a missing configuration, a refused destination) it is not
 * sent again.
 */
export class SendError extends Error {
  constructor(
    message: string,
    readonly definite: boolean,
  ) {
    super(message);
    this.name = 'SendError';
  }
}

/** Network errors raised before a request could leave: nothing was sent. */
export const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
