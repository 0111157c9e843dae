import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { Public, SignedIn, WalletAuth } from './auth.guard';
import { AuthService } from './auth.service';

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

@ApiTags('auth')
@Controller('api/v3/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Get('nonce')
  @Public()
  @ApiOperation({ summary: 'A single-use nonce for a Sign-In with Ethereum message (EIP-4361)' })
  async nonce() {
    return { success: true, ...(await this.auth.issueNonce()), domains: this.auth.domains };
  }

  @Post('verify')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a signed EIP-4361 message for a short-lived bearer token of the wallet' })
  async verify(@Body() dto: VerifyDto) {
    return { success: true, ...(await this.auth.verify(dto.message, dto.signature)) };
  }

  @Post('logout')
  @WalletAuth()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign out: the bearer token of this request is refused from now on (other tokens of the wallet are not)' })
  async logout(@SignedIn() wallet: string, @Req() req: Request) {
    // The guard has checked the bearer token of this request (SignedIn).
    await this.auth.revoke(String(req.headers.authorization).slice(7).trim());
    return { success: true, address: wallet, revoked: true };
  }
}
