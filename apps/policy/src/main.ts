import './tracing';
import 'reflect-metadata';
import { loadEnv } from '@conduit/config';
import { bootstrapWorker } from '@conduit/runtime';
import { PolicyAppModule } from './app.module';

const env = loadEnv();
void bootstrapWorker(PolicyAppModule.forRoot(env), env, 'policy');
