import { ExchangeClient, HttpTransport } from '@nktkas/hyperliquid';
import { signL1Action } from '@nktkas/hyperliquid/signing';
import { ETH, ioc, newWallet, useSim } from './sim-fixture';

describe('HyperliquidSim /exchange (driven through @nktkas/hyperliquid)', () => {
  const f = useSim();

  describe('authentication', () => {
    it('rejects an L1 action signed by a wallet that is neither a master nor an approved agent', async () => {
      const stranger = newWallet();
      await expect(f.exchange(stranger).order({ orders: [ioc(ETH, true, '1999', '0.01')], grouping: 'na' })).rejects.toThrow(
        `User or API Wallet ${stranger.address.toLowerCase()} does not exist.`,
      );
      expect(f.sim.orders).toEqual([]);
    });

    it('recovers a stranger from a tampered body, and accepts the untampered one', async () => {
      const { agent } = await f.masterWithAgent();
      const action = { type: 'order', orders: [ioc(ETH, true, '1999', '0.01')], grouping: 'na' };
      const nonce = Date.now();
      const signature = await signL1Action({ wallet: agent, action, nonce, isTestnet: true });
      const post = (body: unknown) =>
        fetch(`${f.sim.url}/exchange`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then((r) => r.json() as Promise<any>);

      const tampered = await post({ action: { ...action, orders: [ioc(ETH, true, '1999', '0.02')] }, nonce, signature });
      expect(tampered).toEqual({ status: 'err', response: expect.stringMatching(/^User or API Wallet 0x[0-9a-f]{40} does not exist\.$/) });
      expect(tampered.response).not.toContain(agent.address.toLowerCase());
      expect(f.sim.exchangeRequests[1].signer).not.toBe(agent.address.toLowerCase());

      const genuine = await post({ action, nonce, signature });
      expect(genuine.response.data.statuses[0]).toHaveProperty('filled');
      expect(f.sim.exchangeRequests[2].signer).toBe(agent.address.toLowerCase());

      const malformed = await post({ action, nonce: nonce + 1, signature: { r: '0x1234', s: 'nope', v: 27 } });
      expect(malformed).toEqual({ status: 'err', response: expect.stringMatching(/^Invalid signature/) });
    });

    it('accepts a nonce once per signer and only inside the (now − 2 days, now + 1 day) window', async () => {
      const { agent } = await f.masterWithAgent();
      const nonce = Date.now();
      const fixed = f.exchange(agent, { nonceManager: () => nonce });
      await fixed.updateLeverage({ asset: ETH, isCross: true, leverage: 10 });
      await expect(fixed.updateLeverage({ asset: ETH, isCross: true, leverage: 5 })).rejects.toThrow(
        `Invalid nonce: duplicate nonce ${nonce}`,
      );
      await expect(
        f.exchange(agent, { nonceManager: () => Date.now() - 3 * 86_400_000 }).updateLeverage({ asset: ETH, isCross: true, leverage: 5 }),
      ).rejects.toThrow(/^Invalid nonce/);
      await expect(
        f.exchange(agent, { nonceManager: () => Date.now() + 2 * 86_400_000 }).updateLeverage({ asset: ETH, isCross: true, leverage: 5 }),
      ).rejects.toThrow(/^Invalid nonce/);
    });

    it('lets only the master sign usdSend, which moves USDC between accounts', async () => {
      const { master, agent, user } = await f.masterWithAgent('100');
      const friend = newWallet().address as `0x${string}`;
      await expect(f.exchange(master).usdSend({ destination: friend, amount: '25.5' })).resolves.toEqual({
        status: 'ok',
        response: { type: 'default' },
      });
      expect((await f.info.clearinghouseState({ user: friend })).withdrawable).toBe('25.5');
      expect((await f.info.clearinghouseState({ user })).withdrawable).toBe('74.5');

      await expect(f.exchange(master).usdSend({ destination: friend, amount: '75' })).rejects.toThrow('Insufficient balance for usdSend.');
      await expect(f.exchange(agent).usdSend({ destination: friend, amount: '1' })).rejects.toThrow(/only the master account can/);
      await expect(f.exchange(agent).approveAgent({ agentAddress: newWallet().address as `0x${string}` })).rejects.toThrow(
        /only the master account can/,
      );
    });

    it('refuses an approveAgent signed for the other chain', async () => {
      const master = newWallet();
      f.sim.fund(master.address, '10');
      const mainnet = new ExchangeClient({ transport: new HttpTransport({ apiUrl: f.sim.url, isTestnet: false }), wallet: master });
      await expect(mainnet.approveAgent({ agentAddress: newWallet().address as `0x${string}` })).rejects.toThrow(
        /Invalid hyperliquidChain Mainnet/,
      );
    });
  });
});
