import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';

/** Operators: paper marks (of the venues the registry has adapters for), the audit trail and the services' state. */
@Module({ controllers: [AdminController], providers: [AdminService] })
export class AdminModule {}
