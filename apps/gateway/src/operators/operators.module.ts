import { Module } from '@nestjs/common';
import { OperatorsController } from './operators.controller';
import { Operator2faController } from './operator-2fa.controller';
import { Operator2faService } from './operator-2fa.service';
import { OperatorApiKeysService } from './operator-api-keys.service';
import { OperatorSessionsController } from './operator-sessions.controller';
import { OperatorSessionsService } from './operator-sessions.service';
import { OperatorsService } from './operators.service';

/** Operators (issue 15): sign-in with password and TOTP, their sessions, API keys, user management; the guard asks it. */
@Module({
  controllers: [OperatorsController, Operator2faController, OperatorSessionsController],
  providers: [OperatorsService, OperatorApiKeysService, Operator2faService, OperatorSessionsService],
  exports: [OperatorsService],
})
export class OperatorsModule {}
