import { ApiProperty } from '@nestjs/swagger';

/** GET /api/v3/auth/nonce: a single-use nonce for the EIP-4361 message and the domains it may name. */
export class NonceResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ example: '4f1c2a9be07d45e3a1c0b2d4e6f80912' }) nonce: string;
  @ApiProperty({ format: 'date-time' }) expires_at: string;
  @ApiProperty({ type: [String], example: ['127.0.0.1:*'], description: 'the message domains this API accepts' }) domains: string[];
}

/** POST /api/v3/auth/verify: the wallet's bearer token. */
export class TokenResponse {
  @ApiProperty() success: boolean;
  @ApiProperty() token: string;
  @ApiProperty({ enum: ['Bearer'] }) token_type: 'Bearer';
  @ApiProperty({ description: 'the wallet, lower case' }) address: string;
  @ApiProperty({ format: 'date-time' }) expires_at: string;
}
