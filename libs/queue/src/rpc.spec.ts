import { RpcClient, rpcChannel, RpcPattern, RpcServer } from './rpc';

describe('the RPC channel (questions, issue 17)', () => {
  const env = { REDIS_URL: 'redis://127.0.0.1:6379', QUEUE_PREFIX: 'conduit-a' };

  it('names every channel under the queue prefix, the answers on the same channel + .reply', () => {
    const server = new RpcServer(env);
    const client = new RpcClient(env);
    expect(rpcChannel('conduit-a', RpcPattern.RoutingPreview)).toBe('conduit-a:rpc:routing.preview');
    expect(client.getRequestPattern(RpcPattern.RoutingPreview)).toBe('conduit-a:rpc:routing.preview');
    expect(server.getRequestPattern(RpcPattern.RoutingPreview)).toBe(client.getRequestPattern(RpcPattern.RoutingPreview));
    // The server replies on the channel the question came on + .reply: where the client listens.
    expect(server.getReplyPattern(server.getRequestPattern(RpcPattern.RoutingPreview))).toBe(
      client.getReplyPattern(RpcPattern.RoutingPreview),
    );
  });

  it('finds the handler of a prefixed channel, and none for another prefix', () => {
    const server = new RpcServer(env);
    const handler = Object.assign(async () => 'answer', { isEventHandler: false });
    server.addHandler(RpcPattern.RoutingPreview, handler);
    expect(server.getHandlerByPattern('conduit-a:rpc:routing.preview')).toBe(handler);
    expect(server.getHandlerByPattern('conduit-b:rpc:routing.preview')).toBeNull();
  });
});
