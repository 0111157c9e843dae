import { V3Schema1732200000000 } from './1732200000000-V3Schema';
import { SharedTables1732200001000 } from './1732200001000-SharedTables';
import { PipelineLedger1732200002000 } from './1732200002000-PipelineLedger';
import { SeedVenueMarkets1732200003000 } from './1732200003000-SeedVenueMarkets';
import { LiveTrading1732200004000 } from './1732200004000-LiveTrading';
import { AgentLayers1732200005000 } from './1732200005000-AgentLayers';
import { Money1732200006000 } from './1732200006000-Money';
import { Hardening1732200007000 } from './1732200007000-Hardening';
import { ChangeFeed1732200008000 } from './1732200008000-ChangeFeed';
import { Lifecycles1732200009000 } from './1732200009000-Lifecycles';
import { LlmTraders1732200010000 } from './1732200010000-LlmTraders';
import { Liquidation1732200011000 } from './1732200011000-Liquidation';
import { MarketMarks1732200012000 } from './1732200012000-MarketMarks';
import { TraderRecords1732200013000 } from './1732200013000-TraderRecords';
import { WalletIntelligence1732200014000 } from './1732200014000-WalletIntelligence';
import { WalletFollowing1732200015000 } from './1732200015000-WalletFollowing';
import { PositionArchive1732200016000 } from './1732200016000-PositionArchive';
import { AuditShape1732200017000 } from './1732200017000-AuditShape';
import { Operators1732200018000 } from './1732200018000-Operators';
import { Notifications1732200019000 } from './1732200019000-Notifications';
import { Reports1732200020000 } from './1732200020000-Reports';
import { OperatorSessions1732200021000 } from './1732200021000-OperatorSessions';
import { VenueStatusSince1732200022000 } from './1732200022000-VenueStatusSince';
import { GmxSpotVenues1732200023000 } from './1732200023000-GmxSpotVenues';

/** Every migration in order. Listed explicitly so the same list works from TypeScript and from dist/. */
export const MIGRATIONS = [
  V3Schema1732200000000,
  SharedTables1732200001000,
  PipelineLedger1732200002000,
  SeedVenueMarkets1732200003000,
  LiveTrading1732200004000,
  AgentLayers1732200005000,
  Money1732200006000,
  Hardening1732200007000,
  ChangeFeed1732200008000,
  Lifecycles1732200009000,
  LlmTraders1732200010000,
  Liquidation1732200011000,
  MarketMarks1732200012000,
  TraderRecords1732200013000,
  WalletIntelligence1732200014000,
  WalletFollowing1732200015000,
  PositionArchive1732200016000,
  AuditShape1732200017000,
  Operators1732200018000,
  Notifications1732200019000,
  Reports1732200020000,
  OperatorSessions1732200021000,
  VenueStatusSince1732200022000,
  GmxSpotVenues1732200023000,
];
