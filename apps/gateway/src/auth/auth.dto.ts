import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

export class VerifyDto {
  @ApiProperty({ description: 'the EIP-4361 message the wallet signed, with the nonce from /auth/nonce and an Expiration Time' })
  @IsString()
  @MaxLength(4000)
  message: string;

  @ApiProperty({ example: '0x…(65 bytes)' })
  @IsString()
  @Matches(/^0x[0-9a-fA-F]{130}$/, { message: 'signature must be a 65-byte hex signature (0x + 130 hex digits)' })
  signature: string;
}
