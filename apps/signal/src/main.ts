import 'reflect-metadata';
import { loadEnv } from '@conduit/config';
import { bootstrapService } from '@conduit/runtime';
import { SignalAppModule } from './app.module';

const env = loadEnv();
void bootstrapService(SignalAppModule.forRoot(env), env, 'signal');
