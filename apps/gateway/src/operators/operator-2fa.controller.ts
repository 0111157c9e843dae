import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AdminOnly, CurrentOperator, OperatorPrincipal, OperatorSignedIn } from '../auth/auth.decorators';
import { ApiAnswers } from '../common/api-answers';
import { TraceId } from '../common/trace';
import { uuidParam } from '../common/validation';
import { Operator2faService } from './operator-2fa.service';
import { clientOf } from './operator-views';
import { ConfirmTwoFaDto, DisableTwoFaDto } from './operators.dto';

/** An operator's second factor: enrolling, turning it off; an admin's reset of another operator's lost one. */
@ApiTags('operators')
@Controller('api/v3/operators')
export class Operator2faController {
  constructor(private readonly twoFa: Operator2faService) {}

  @Post('me/2fa')
  @OperatorSignedIn()
  @HttpCode(200)
  @ApiOperation({ summary: 'Start 2FA enrolment: the otpauth URI and its QR code (a data URL), answered this once' })
  enrol(@CurrentOperator() op: OperatorPrincipal, @TraceId() traceId: string) {
    return this.twoFa.enrol(op, traceId);
  }

  @Post('me/2fa/confirm')
  @OperatorSignedIn()
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm enrolment with a code: 2FA is on; answers ten recovery codes, this once' })
  confirm(@CurrentOperator() op: OperatorPrincipal, @Body() dto: ConfirmTwoFaDto, @TraceId() traceId: string) {
    return this.twoFa.confirm(op, dto.code, traceId);
  }

  @Post('me/2fa/disable')
  @OperatorSignedIn()
  @HttpCode(200)
  @ApiOperation({ summary: 'Turn your 2FA off with your password and a current TOTP or recovery code; not while 2FA is required' })
  @ApiAnswers({
    400: 'a field is missing or malformed, or current_password or totp_code is wrong (named in fields)',
    401: 'no operator session, or it is invalid, expired or revoked (an API key is no session)',
    403: '2FA is required of every operator (PUT /api/v3/operators/settings)',
    409: '2FA is not on for this account',
    429: 'too many failed attempts on this account or from this address: Retry-After says when to try again',
  })
  disable(@CurrentOperator() op: OperatorPrincipal, @Body() dto: DisableTwoFaDto, @Req() req: Request, @TraceId() traceId: string) {
    return this.twoFa.disable(op, dto, clientOf(req, traceId));
  }

  @Post(':id/2fa/reset')
  @AdminOnly({ role: 'admin' })
  @HttpCode(200)
  @ApiOperation({
    summary: "Reset an operator's lost 2FA: it is off, its secret and recovery codes gone, their sessions ended (admins; not your own)",
  })
  @ApiAnswers({
    400: 'id is not a UUID',
    401: 'no operator session, or it is invalid, expired or revoked (an API key is no session)',
    403: 'the admin role is needed, the id is your own (another admin resets it), or 2FA is required and you have not enrolled',
    404: 'no operator has this id',
    409: '2FA is not on for this operator',
  })
  reset(@CurrentOperator() op: OperatorPrincipal, @Param('id', uuidParam('id')) id: string, @TraceId() traceId: string) {
    return this.twoFa.reset(op, id, traceId);
  }
}
