import { ApiProperty } from '@nestjs/swagger';

/** A trade of the agent's own book (agent_trades), with the position's stop loss and take profit. Money as decimal strings. */
export class AgentTradeView {
  @ApiProperty({ format: 'uuid', description: 'the position' }) id: string;
  @ApiProperty({ format: 'uuid' }) agent_id: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the llm_cycle decision behind it' }) decision_id:
    string | null;
  @ApiProperty({ example: 'ETH' }) coin: string;
  @ApiProperty({ enum: ['long', 'short'] }) side: 'long' | 'short';
  @ApiProperty({ description: 'in coins' }) size: string;
  @ApiProperty({ description: 'USD' }) entry_price: string;
  @ApiProperty({ type: String, format: 'date-time' }) entry_time: string;
  @ApiProperty({ type: String, nullable: true, description: 'USD' }) exit_price: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) exit_time: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'USD, net of fees; closed and liquidated trades' }) realized_pnl: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'USD at the last mark; open trades' }) unrealized_pnl: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'USD, both legs' }) fees: string | null;
  @ApiProperty({ enum: ['open', 'closed', 'liquidated'] }) status: 'open' | 'closed' | 'liquidated';
  @ApiProperty({ type: String, nullable: true }) hyperliquid_order_id: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the exit reason' }) notes: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'USD, the stop loss the position was opened with' }) stop_loss: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'USD' }) take_profit: string | null;
}

export class TradesResponse {
  @ApiProperty() success: boolean;
  @ApiProperty() count: number;
  @ApiProperty({ type: [AgentTradeView], description: 'newest first' }) trades: AgentTradeView[];
}
