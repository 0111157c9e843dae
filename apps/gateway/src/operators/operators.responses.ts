import { ApiProperty } from '@nestjs/swagger';
import { OPERATOR_ROLES, OperatorRole } from '@conduit/db';

/** What an operator may see of a user row (operator-views.ts userView): never the password hash or the TOTP secret. */
export class OperatorUser {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: OPERATOR_ROLES }) role: OperatorRole;
  @ApiProperty({ type: Boolean, nullable: true }) is_active: boolean | null;
  @ApiProperty({ type: Boolean, nullable: true }) two_fa_enabled: boolean | null;
  @ApiProperty({ type: String, nullable: true }) trading_mode: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) last_login: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) created_at: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) updated_at: Date | null;
}

export class LoginResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ description: 'the session token, also set as the HttpOnly cookie' }) token: string;
  @ApiProperty({ enum: ['Bearer'] }) token_type: 'Bearer';
  @ApiProperty({ format: 'date-time' }) expires_at: string;
  @ApiProperty({ type: OperatorUser }) user: OperatorUser;
  @ApiProperty({ description: 'an admin requires 2FA and this operator has none yet: only their own account is open' })
  two_fa_enrolment_required: boolean;
}

export class MeResponse {
  @ApiProperty() success: boolean;
  @ApiProperty({ type: OperatorUser }) user: OperatorUser;
  @ApiProperty({ enum: ['session', 'api_key'] }) via: 'session' | 'api_key';
  @ApiProperty() two_fa_enrolment_required: boolean;
}

export class LogoutResponse {
  @ApiProperty() success: boolean;
}
