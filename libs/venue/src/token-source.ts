import { DataSource } from 'typeorm';
import { rows } from '@conduit/db';

/** A token as token_registry holds it for one chain. */
export interface RegistryToken {
  symbol: string;
  address: string;
  decimals: number;
}

/** token_registry's name of an EVM chain id. */
export function chainName(chainId: number): string {
  return chainId === 42161 ? 'arbitrum' : `evm-${chainId}`;
}

/** The tokens token_registry lists for a chain, with their address and decimals (what the SPOT venue may swap). */
export async function registryTokens(ds: DataSource, chainId: number): Promise<RegistryToken[]> {
  const listed = await rows<{ token_symbol: string; token_address: string; decimals: number }>(
    ds,
    `SELECT token_symbol, token_address, decimals FROM token_registry
      WHERE chain = $1 AND token_address IS NOT NULL AND decimals IS NOT NULL ORDER BY token_symbol`,
    [chainName(chainId)],
  );
  return listed.map((t) => ({ symbol: t.token_symbol, address: t.token_address, decimals: t.decimals }));
}
