import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { OperatorsModule } from '../operators/operators.module';
import { StreamController } from './stream.controller';
import { StreamService } from './stream.service';

/** Live events for the signed-in wallet or operator over server-sent events (GET /api/v3/stream). */
@Module({
  imports: [AuthModule, OperatorsModule],
  controllers: [StreamController],
  providers: [StreamService],
})
export class StreamModule {}
