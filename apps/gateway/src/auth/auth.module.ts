import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { Env } from '@conduit/config';
import { ENV } from '@conduit/runtime';
import { AuthController } from './auth.controller';
import { AuthService, tokenSecret } from './auth.service';

/** Sign-In with Ethereum and the bearer tokens it issues; the gateway's ApiAuthGuard asks AuthService about each token. */
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [ENV],
      useFactory: (env: Env) => ({ secret: tokenSecret(env), signOptions: { algorithm: 'HS256' } }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService],
  exports: [AuthService],
})
export class AuthModule {}
