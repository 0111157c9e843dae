import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';

/** Operators: paper marks and the audit trail. */
@Module({ controllers: [AdminController], providers: [AdminService] })
export class AdminModule {}
