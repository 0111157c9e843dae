import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAnswers } from '../common/api-answers';
import { Public, SignedIn } from './auth.decorators';
import { VerifyDto } from './auth.dto';
import { NonceResponse, TokenResponse } from './auth.responses';
import { AuthService } from './auth.service';

@ApiTags('auth')
@Controller('api/v3/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Get('nonce')
  @ApiOkResponse({ type: NonceResponse })
  @Public()
  @ApiOperation({ summary: 'A single-use nonce for a Sign-In with Ethereum message (EIP-4361)' })
  async nonce() {
    return { success: true, ...(await this.auth.issueNonce()), domains: this.auth.domains };
  }

  @Post('verify')
  @ApiOkResponse({ type: TokenResponse })
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a signed EIP-4361 message for a short-lived bearer token of the wallet' })
  @ApiAnswers({
    401: 'the message is for another domain, expired or issued in the future, its nonce unknown or used, or the signature wrong',
  })
  async verify(@Body() dto: VerifyDto) {
    return { success: true, ...(await this.auth.verify(dto.message, dto.signature)) };
  }

  @Post('logout')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign out: the bearer token of this request is refused from now on (other tokens of the wallet are not)' })
  async logout(@SignedIn() wallet: string, @Req() req: Request) {
    // The guard has checked the bearer token of this request (SignedIn).
    await this.auth.revoke(String(req.headers.authorization).slice(7).trim());
    return { success: true, address: wallet, revoked: true };
  }
}
