import { Module } from '@nestjs/common';
import { OperatorsController } from './operators.controller';
import { Operator2faService } from './operator-2fa.service';
import { OperatorApiKeysService } from './operator-api-keys.service';
import { OperatorsService } from './operators.service';

/** Operators (issue 15): sign-in with password and TOTP, sessions, API keys, user management; the guard asks it. */
@Module({
  controllers: [OperatorsController],
  providers: [OperatorsService, OperatorApiKeysService, Operator2faService],
  exports: [OperatorsService],
})
export class OperatorsModule {}
