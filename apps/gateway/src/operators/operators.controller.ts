import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AdminOnly, CurrentOperator, OPERATOR_COOKIE, OperatorPrincipal, OperatorSignedIn, Public } from '../auth/auth.decorators';
import { ApiAnswers } from '../common/api-answers';
import { TraceId } from '../common/trace';
import { uuidParam } from '../common/validation';
import { ChangePasswordDto, CreateApiKeyDto, CreateOperatorDto, LoginDto, OperatorSettingsDto, UpdateOperatorDto } from './operators.dto';
import { OperatorApiKeysService } from './operator-api-keys.service';
import { clientOf, LockedOut } from './operator-views';
import { LoginResponse, LogoutResponse, MeResponse } from './operators.responses';
import { OperatorsService } from './operators.service';

const uuid = uuidParam('id');

/** HTTPS to the client: the request itself, or a proxy's X-Forwarded-Proto. */
export const overHttps = (req: Request): boolean =>
  req.secure ||
  String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    .trim()
    .toLowerCase() === 'https';

/** The people who run Conduit: sign-in, their password and API keys, and (admins) the operators themselves. */
@ApiTags('operators')
@Controller('api/v3/operators')
export class OperatorsController {
  constructor(
    private readonly operators: OperatorsService,
    private readonly apiKeys: OperatorApiKeysService,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in: email, password and (2FA on) a TOTP or recovery code; answers a session cookie and the same bearer token',
  })
  @ApiOkResponse({ type: LoginResponse })
  @ApiAnswers({
    401: 'the email or password is wrong, or 2FA is on and the code is missing, wrong, expired or used',
    429: 'too many failed sign-ins: locked out for Retry-After seconds (or the rate limit)',
  })
  async login(@Body() dto: LoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response, @TraceId() traceId: string) {
    try {
      const session = await this.operators.login(dto, clientOf(req, traceId));
      res.cookie(OPERATOR_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: overHttps(req),
        path: '/',
        expires: new Date(session.expires_at),
      });
      return session;
    } catch (e) {
      if (e instanceof LockedOut) res.setHeader('Retry-After', String(e.retryAfterS));
      throw e;
    }
  }

  @Post('logout')
  @OperatorSignedIn()
  @HttpCode(200)
  @ApiOperation({ summary: 'End this session (its cookie is cleared)' })
  @ApiOkResponse({ type: LogoutResponse })
  async logout(@CurrentOperator() op: OperatorPrincipal, @Res({ passthrough: true }) res: Response, @TraceId() traceId: string) {
    res.clearCookie(OPERATOR_COOKIE, { path: '/' });
    return this.operators.logout(op, traceId);
  }

  @Get('me')
  @OperatorSignedIn()
  @ApiOperation({ summary: 'The signed-in operator' })
  @ApiOkResponse({ type: MeResponse })
  me(@CurrentOperator() op: OperatorPrincipal): Promise<MeResponse> {
    return this.operators.me(op);
  }

  @Post('me/password')
  @OperatorSignedIn()
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the password; every session of the operator ends, this one too' })
  changePassword(@CurrentOperator() op: OperatorPrincipal, @Body() dto: ChangePasswordDto, @TraceId() traceId: string) {
    return this.operators.changePassword(op, dto, traceId);
  }

  @Post('me/api-keys')
  @AdminOnly({ role: 'viewer' })
  @ApiOperation({ summary: 'A new API key for the data feeds: the key is answered this once' })
  createKey(@CurrentOperator() op: OperatorPrincipal, @Body() dto: CreateApiKeyDto, @TraceId() traceId: string) {
    return this.apiKeys.createApiKey(op, dto, traceId);
  }

  @Get('me/api-keys')
  @AdminOnly({ role: 'viewer' })
  @ApiOperation({ summary: "The operator's API keys (name, prefix, last use; never the key)" })
  keys(@CurrentOperator() op: OperatorPrincipal) {
    return this.apiKeys.apiKeys(op);
  }

  @Delete('me/api-keys/:id')
  @AdminOnly({ role: 'viewer' })
  @ApiOperation({ summary: 'Revoke one of your API keys' })
  revokeKey(@CurrentOperator() op: OperatorPrincipal, @Param('id', uuid) id: string, @TraceId() traceId: string) {
    return this.apiKeys.revokeApiKey(op, id, traceId);
  }

  @Get()
  @AdminOnly({ role: 'admin' })
  @ApiOperation({ summary: 'Every operator (admins)' })
  list() {
    return this.operators.list();
  }

  @Post()
  @AdminOnly({ role: 'admin' })
  @ApiOperation({ summary: 'Create an operator with a role (admins)' })
  create(@CurrentOperator() op: OperatorPrincipal, @Body() dto: CreateOperatorDto, @TraceId() traceId: string) {
    return this.operators.create(op, dto, traceId);
  }

  @Put('settings')
  @AdminOnly({ role: 'admin' })
  @ApiOperation({ summary: 'Operator-wide settings: require 2FA of every operator (admins)' })
  settings(@CurrentOperator() op: OperatorPrincipal, @Body() dto: OperatorSettingsDto, @TraceId() traceId: string) {
    return this.operators.putSettings(op, dto, traceId);
  }

  @Patch(':id')
  @AdminOnly({ role: 'admin' })
  @ApiOperation({ summary: "Change an operator's role or activity, or clear their lockout (admins)" })
  update(
    @CurrentOperator() op: OperatorPrincipal,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateOperatorDto,
    @TraceId() traceId: string,
  ) {
    return this.operators.update(op, id, dto, traceId);
  }
}
