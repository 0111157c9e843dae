import { ZeroAddress, ZeroHash } from 'ethers';
import { GmxEventItems } from '@conduit/venue';
import { StoredOrder, StoredPosition } from './chain-state';

/** A listed market as the chain holds it (addresses checksummed). */
export interface ChainMarket {
  symbol: string;
  indexDecimals: number;
  marketToken: string;
  indexToken: string;
  maxLeverage: number;
}

/** Position.Props (contracts/position/Position.sol @ 01c7edee) as Reader.getAccountPositions returns it. */
export function positionProps(p: StoredPosition): unknown[] {
  return [
    [p.account, p.market, p.collateralToken],
    [p.sizeInUsd, p.sizeInTokens, p.collateralAmount, 0n, 0n, 0n, 0n, 0n, BigInt(p.increasedAtTime), BigInt(p.decreasedAtTime)],
    [p.isLong],
  ];
}

/** Order.Props (contracts/order/Order.sol @ 01c7edee) as Reader.getOrder returns it; all zero for an unknown key. */
export function orderProps(o: StoredOrder | undefined): unknown[] {
  if (!o)
    return [
      [ZeroAddress, ZeroAddress, ZeroAddress, ZeroAddress, ZeroAddress, ZeroAddress, ZeroAddress, []],
      [0, 0, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n],
      [false, false, false, false],
      [],
    ];
  return [
    [o.account, o.receiver, o.cancellationReceiver, ZeroAddress, ZeroAddress, o.market, o.collateralToken, []],
    [o.orderType, 0, o.sizeDeltaUsd, o.collateralAmount, 0n, o.acceptablePrice, o.executionFee, 0n, 0n, BigInt(o.updatedAtTime), 0n],
    [o.isLong, false, o.isFrozen, false],
    [],
  ];
}

/** OrderEventUtils.emitOrderCreated's items (contracts/order/OrderEventUtils.sol @ 01c7edee), in its order. */
export function orderCreatedItems(o: StoredOrder): Partial<GmxEventItems> {
  return {
    address: {
      account: o.account,
      receiver: o.receiver,
      callbackContract: ZeroAddress,
      uiFeeReceiver: ZeroAddress,
      market: o.market,
      initialCollateralToken: o.collateralToken,
      cancellationReceiver: o.cancellationReceiver,
    },
    addressArray: { swapPath: [] },
    uint: {
      orderType: BigInt(o.orderType),
      decreasePositionSwapType: 0n,
      sizeDeltaUsd: o.sizeDeltaUsd,
      initialCollateralDeltaAmount: o.collateralAmount,
      triggerPrice: 0n,
      acceptablePrice: o.acceptablePrice,
      executionFee: o.executionFee,
      callbackGasLimit: 0n,
      minOutputAmount: 0n,
      updatedAtTime: BigInt(o.updatedAtTime),
      validFromTime: 0n,
    },
    bool: { isLong: o.isLong, shouldUnwrapNativeToken: false, autoCancel: false },
    bytes32: { key: o.key },
  };
}

export const NO_REFERRAL = ZeroHash;
