import 'reflect-metadata';
import { loadEnv } from '@conduit/config';
import { bootstrapWorker } from '@conduit/runtime';
import { RouterAppModule } from './app.module';

const env = loadEnv();
void bootstrapWorker(RouterAppModule.forRoot(env), env, 'router');
