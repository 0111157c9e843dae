import { Module } from '@nestjs/common';
import { OperatorsController } from './operators.controller';
import { OperatorsService } from './operators.service';

/** Operators (issue 15): sign-in with password and TOTP, sessions, API keys, user management; the guard asks it. */
@Module({ controllers: [OperatorsController], providers: [OperatorsService], exports: [OperatorsService] })
export class OperatorsModule {}
