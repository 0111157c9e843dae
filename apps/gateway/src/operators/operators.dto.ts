import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsString, Length, Matches, MaxLength } from 'class-validator';
import { OPERATOR_ROLES, OperatorRole } from '@conduit/db';
import { Optional } from '../common/validation';

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

/** A TOTP code (6 digits) or a recovery code (xxxxx-xxxxx, the dash optional). */
const TOTP_OR_RECOVERY = /^(\d{6}|[a-zA-Z0-9]{5}-?[a-zA-Z0-9]{5})$/;

/** Passwords: 12 to 256 characters. */
const PASSWORD_MIN = 12;

export class LoginDto {
  @ApiProperty({ example: 'ops@example.com' })
  @Transform(lower)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(255)
  email: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @Length(1, 256)
  password: string;

  @ApiPropertyOptional({ example: '123456', description: 'the TOTP code when 2FA is on, or one of the recovery codes' })
  @Optional()
  @IsString()
  @Matches(TOTP_OR_RECOVERY, { message: 'totp_code must be 6 digits or a recovery code (xxxxx-xxxxx)' })
  totp_code?: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @Length(1, 256)
  current_password: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: 256 })
  @IsString()
  @Length(PASSWORD_MIN, 256, { message: `new_password must be ${PASSWORD_MIN} to 256 characters` })
  new_password: string;
}

export class ConfirmTwoFaDto {
  @ApiProperty({ example: '123456' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code: string;
}

export class DisableTwoFaDto {
  @ApiProperty()
  @IsString()
  @Length(1, 256)
  current_password: string;

  @ApiProperty({ example: '123456', description: 'a current TOTP code, or one of the recovery codes' })
  @IsString()
  @Matches(TOTP_OR_RECOVERY, { message: 'totp_code must be 6 digits or a recovery code (xxxxx-xxxxx)' })
  totp_code: string;
}

export class CreateOperatorDto {
  @ApiProperty({ example: 'ops@example.com' })
  @Transform(lower)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(255)
  email: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: 256 })
  @IsString()
  @Length(PASSWORD_MIN, 256, { message: `password must be ${PASSWORD_MIN} to 256 characters` })
  password: string;

  @ApiProperty({ enum: OPERATOR_ROLES })
  @IsIn(OPERATOR_ROLES)
  role: OperatorRole;
}

export class UpdateOperatorDto {
  @ApiPropertyOptional({ enum: OPERATOR_ROLES })
  @Optional()
  @IsIn(OPERATOR_ROLES)
  role?: OperatorRole;

  @ApiPropertyOptional({ description: 'false signs the operator out everywhere and refuses their logins and keys' })
  @Optional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ description: 'true clears the failed-login lockout of the account' })
  @Optional()
  @IsBoolean()
  unlock?: boolean;
}

export class OperatorSettingsDto {
  @ApiProperty({ description: 'every operator must enrol 2FA before anything but their own account' })
  @IsBoolean()
  require_2fa: boolean;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'ct-ingest', description: '1-100 letters, digits, spaces, . _ -' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/, { message: 'name must be 1-100 letters, digits, spaces, . _ or -' })
  name: string;
}
