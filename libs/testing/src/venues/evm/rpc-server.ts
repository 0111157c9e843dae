import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { getAddress, isHexString, keccak256, toQuantity, ZeroAddress } from 'ethers';
import { Block, MinedTx, RpcError, StoredLog } from './evm-types';
import { ChainLedger, LogFilter } from './ledger';

/** What the JSON-RPC methods need from the chain. */
export interface RpcBackend {
  readonly chainId: number;
  readonly ledger: ChainLedger;
  isContract(address: string): boolean;
  /** eth_call / eth_estimateGas: the ABI-encoded result and the gas, or RpcError code 3 on revert. */
  simulate(via: 'call' | 'estimateGas', call: Record<string, string | undefined>, tag: unknown): { out: string; gas: bigint };
  /** Validates, executes and mines a signed transaction; returns its hash. */
  sendRawTransaction(raw: string): string;
}

/**
 * Ethereum JSON-RPC 2.0 over HTTP on 127.0.0.1 (single and batch requests, as ethers v6 batches): the methods an
 * ethers provider and wallet use, answered from the chain's ledger in the shapes geth answers.
 */
export class JsonRpcServer {
  url = '';
  private server: Server | null = null;
  private dropNext = false;

  constructor(private readonly chain: RpcBackend) {}

  /** Listens on an ephemeral port of 127.0.0.1. */
  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      this.handleHttp(req, res).catch((err) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Processes the next request that carries eth_sendRawTransaction, then destroys its socket without answering. */
  dropNextResponse(): void {
    this.dropNext = true;
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } }));
      return;
    }
    const requests = Array.isArray(body) ? body : [body];
    const responses = requests.map((r) => this.handleOne(r as { id?: unknown; method?: string; params?: unknown[] }));
    const carriesTx = requests.some((r) => (r as { method?: string })?.method === 'eth_sendRawTransaction');
    if (this.dropNext && carriesTx) {
      this.dropNext = false;
      req.socket.destroy();
      return;
    }
    const payload = Array.isArray(body) ? responses : responses[0];
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  }

  private handleOne(request: { id?: unknown; method?: string; params?: unknown[] }): unknown {
    const id = request?.id ?? null;
    try {
      const result = this.rpc(String(request?.method), Array.isArray(request?.params) ? request.params : []);
      return { jsonrpc: '2.0', id, result };
    } catch (err) {
      if (err instanceof RpcError)
        return {
          jsonrpc: '2.0',
          id,
          error: { code: err.code, message: err.message, ...(err.data !== undefined ? { data: err.data } : {}) },
        };
      return { jsonrpc: '2.0', id, error: { code: -32603, message: `internal error: ${(err as Error).message}` } };
    }
  }

  private rpc(method: string, params: unknown[]): unknown {
    const chain = this.chain;
    const ledger = chain.ledger;
    switch (method) {
      case 'eth_chainId':
        return toQuantity(chain.chainId);
      case 'net_version':
        return String(chain.chainId);
      case 'web3_clientVersion':
        return 'conduit-ostium-local/1.0';
      case 'eth_blockNumber':
        return toQuantity(ledger.blockNumber);
      case 'eth_gasPrice':
        return toQuantity(ledger.baseFee);
      case 'eth_maxPriorityFeePerGas':
        return '0x0';
      case 'eth_feeHistory': {
        const count = Math.max(1, Math.min(Number(BigInt(params[0] as string)), ledger.blocks.length));
        const newest = ledger.blockTag(params[1]);
        const oldest = Math.max(0, newest - count + 1);
        const n = newest - oldest + 1;
        const percentiles = (params[2] as number[] | undefined) ?? [];
        return {
          oldestBlock: toQuantity(oldest),
          baseFeePerGas: Array.from({ length: n + 1 }, () => toQuantity(ledger.baseFee)),
          gasUsedRatio: Array.from({ length: n }, () => 0.01),
          ...(percentiles.length ? { reward: Array.from({ length: n }, () => percentiles.map(() => '0x0')) } : {}),
        };
      }
      case 'eth_getBlockByNumber': {
        const tag = params[0];
        if (typeof tag === 'string' && isHexString(tag) && Number(BigInt(tag)) > ledger.blockNumber) return null;
        return this.blockJson(ledger.blocks[ledger.blockTag(tag)], Boolean(params[1]));
      }
      case 'eth_getBlockByHash': {
        const block = ledger.blockByHash(String(params[0]));
        return block ? this.blockJson(block, Boolean(params[1])) : null;
      }
      case 'eth_getTransactionCount':
        return toQuantity(ledger.stateAt(params[1]).nonces.get(getAddress(params[0] as string).toLowerCase()) ?? 0);
      case 'eth_getBalance':
        return toQuantity(ledger.stateAt(params[1]).eth.get(getAddress(params[0] as string).toLowerCase()) ?? 0n);
      case 'eth_getCode':
        return chain.isContract(params[0] as string) ? '0x6080604052' : '0x';
      case 'eth_call':
        return chain.simulate('call', params[0] as Record<string, string>, params[1]).out;
      case 'eth_estimateGas':
        return toQuantity(chain.simulate('estimateGas', params[0] as Record<string, string>, params[1] ?? 'latest').gas);
      case 'eth_sendRawTransaction':
        return chain.sendRawTransaction(params[0] as string);
      case 'eth_getTransactionByHash': {
        const mined = ledger.tx(String(params[0]));
        return mined ? this.txJson(mined) : null;
      }
      case 'eth_getTransactionReceipt': {
        const mined = ledger.tx(String(params[0]));
        return mined ? this.receiptJson(mined) : null;
      }
      case 'eth_getLogs':
        return ledger.getLogs((params[0] ?? {}) as LogFilter).map((l) => this.logJson(l));
      default:
        throw new RpcError(-32601, `the method ${method} does not exist/is not available`);
    }
  }

  private blockJson(block: Block | undefined, full: boolean): unknown {
    if (!block) return null;
    return {
      number: toQuantity(block.number),
      hash: block.hash,
      parentHash: block.parentHash,
      timestamp: toQuantity(block.timestamp),
      nonce: '0x0000000000000000',
      difficulty: '0x0',
      gasLimit: toQuantity(32_000_000n),
      gasUsed: toQuantity(block.gasUsed),
      miner: ZeroAddress,
      extraData: '0x',
      baseFeePerGas: toQuantity(block.baseFeePerGas),
      stateRoot: keccak256(Buffer.from(`state-${block.hash}`)),
      receiptsRoot: keccak256(Buffer.from(`receipts-${block.hash}`)),
      transactionsRoot: keccak256(Buffer.from(`txs-${block.hash}`)),
      logsBloom: '0x' + '00'.repeat(256),
      mixHash: '0x' + '00'.repeat(32),
      sha3Uncles: keccak256('0xc0'),
      size: '0x200',
      uncles: [],
      transactions: full ? block.transactions.map((h) => this.txJson(this.chain.ledger.tx(h)!)) : block.transactions,
    };
  }

  private txJson(m: MinedTx): unknown {
    const tx = m.tx;
    const sig = tx.signature!;
    const typed = tx.type === 2;
    return {
      hash: tx.hash,
      type: toQuantity(tx.type ?? 0),
      nonce: toQuantity(tx.nonce),
      from: tx.from,
      to: tx.to,
      gas: toQuantity(tx.gasLimit),
      value: toQuantity(tx.value),
      input: tx.data,
      gasPrice: toQuantity(typed ? m.effectiveGasPrice : (tx.gasPrice ?? 0n)),
      ...(typed
        ? {
            maxFeePerGas: toQuantity(tx.maxFeePerGas ?? 0n),
            maxPriorityFeePerGas: toQuantity(tx.maxPriorityFeePerGas ?? 0n),
            accessList: [],
          }
        : {}),
      chainId: toQuantity(tx.chainId),
      v: toQuantity(typed ? sig.yParity : (sig.networkV ?? BigInt(sig.v))),
      yParity: typed ? toQuantity(sig.yParity) : undefined,
      r: sig.r,
      s: sig.s,
      blockHash: m.blockHash,
      blockNumber: toQuantity(m.blockNumber),
      transactionIndex: '0x0',
    };
  }

  private receiptJson(m: MinedTx): unknown {
    return {
      transactionHash: m.tx.hash,
      transactionIndex: '0x0',
      blockHash: m.blockHash,
      blockNumber: toQuantity(m.blockNumber),
      from: m.tx.from,
      to: m.tx.to,
      contractAddress: null,
      cumulativeGasUsed: toQuantity(m.gasUsed),
      gasUsed: toQuantity(m.gasUsed),
      effectiveGasPrice: toQuantity(m.effectiveGasPrice),
      logs: m.logs.map((l) => this.logJson(l)),
      logsBloom: '0x' + '00'.repeat(256),
      status: toQuantity(m.status),
      type: toQuantity(m.tx.type ?? 0),
    };
  }

  private logJson(l: StoredLog): unknown {
    return {
      address: l.address,
      topics: l.topics,
      data: l.data,
      blockNumber: toQuantity(l.blockNumber),
      blockHash: l.blockHash,
      transactionHash: l.transactionHash,
      transactionIndex: toQuantity(l.transactionIndex),
      logIndex: toQuantity(l.logIndex),
      removed: false,
    };
  }
}
