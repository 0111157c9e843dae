import 'reflect-metadata';
import { loadEnv } from '@conduit/config';
import { bootstrapService } from '@conduit/runtime';
import { ExecutorAppModule } from './app.module';

const env = loadEnv();
void bootstrapService(ExecutorAppModule.forRoot(env), env, 'executor');
