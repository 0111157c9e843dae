import { Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AdminOnly, CurrentOperator, OPERATOR_COOKIE, OperatorPrincipal, OperatorSignedIn } from '../auth/auth.decorators';
import { ApiAnswers } from '../common/api-answers';
import { TraceId } from '../common/trace';
import { uuidParam } from '../common/validation';
import { OperatorSessionsService } from './operator-sessions.service';

const UNAUTHORIZED = { 401: 'no operator session, or it is invalid, expired or revoked (an API key is no session)' };
const NOT_ADMIN = { 403: 'the admin role is needed, or 2FA is required of every operator and this one has not enrolled' };

/** An operator's sessions: their own, and (admins) another operator's. The 'me' routes come before the ':id' ones. */
@ApiTags('operators')
@Controller('api/v3/operators')
export class OperatorSessionsController {
  constructor(private readonly sessions: OperatorSessionsService) {}

  @Get('me/sessions')
  @OperatorSignedIn()
  @ApiOperation({ summary: 'Your live sessions, newest first: where and when each began, was last used, ends; `current` is this one' })
  @ApiAnswers(UNAUTHORIZED)
  mine(@CurrentOperator() op: OperatorPrincipal) {
    return this.sessions.list(op, op.id);
  }

  @Post('me/sessions/revoke-others')
  @OperatorSignedIn()
  @HttpCode(200)
  @ApiOperation({ summary: 'End every one of your sessions but this one' })
  @ApiAnswers(UNAUTHORIZED)
  revokeOthers(@CurrentOperator() op: OperatorPrincipal, @TraceId() traceId: string) {
    return this.sessions.revokeOthers(op, traceId);
  }

  @Delete('me/sessions/:id')
  @OperatorSignedIn()
  @ApiOperation({ summary: 'End one of your sessions; ending this one signs you out (its cookie is cleared)' })
  @ApiAnswers({ 400: 'id is not a UUID', ...UNAUTHORIZED, 404: 'no session of yours has this id' })
  async revokeMine(
    @CurrentOperator() op: OperatorPrincipal,
    @Param('id', uuidParam('id')) id: string,
    @Res({ passthrough: true }) res: Response,
    @TraceId() traceId: string,
  ) {
    const out = await this.sessions.revoke(op, op.id, id, traceId);
    if (out.signed_out) res.clearCookie(OPERATOR_COOKIE, { path: '/' });
    return out;
  }

  @Get(':id/sessions')
  @AdminOnly({ role: 'admin' })
  @ApiOperation({ summary: "An operator's live sessions, newest first (admins)" })
  @ApiAnswers({ 400: 'id is not a UUID', ...UNAUTHORIZED, ...NOT_ADMIN, 404: 'no operator has this id' })
  ofOperator(@CurrentOperator() op: OperatorPrincipal, @Param('id', uuidParam('id')) id: string) {
    return this.sessions.list(op, id);
  }

  @Delete(':id/sessions/:session_id')
  @AdminOnly({ role: 'admin' })
  @ApiOperation({ summary: "End one of an operator's sessions (admins)" })
  @ApiAnswers({
    400: 'id or session_id is not a UUID',
    ...UNAUTHORIZED,
    ...NOT_ADMIN,
    404: 'no operator has this id, or no session of theirs has this session_id',
  })
  async revokeTheirs(
    @CurrentOperator() op: OperatorPrincipal,
    @Param('id', uuidParam('id')) id: string,
    @Param('session_id', uuidParam('session_id')) sessionId: string,
    @Res({ passthrough: true }) res: Response,
    @TraceId() traceId: string,
  ) {
    const out = await this.sessions.revoke(op, id, sessionId, traceId);
    if (out.signed_out) res.clearCookie(OPERATOR_COOKIE, { path: '/' });
    return out;
  }
}
