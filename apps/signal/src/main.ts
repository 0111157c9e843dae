import './tracing';
import 'reflect-metadata';
import { loadEnv } from '@conduit/config';
import { bootstrapWorker } from '@conduit/runtime';
import { SignalAppModule } from './app.module';

const env = loadEnv();
void bootstrapWorker(SignalAppModule.forRoot(env), env, 'signal');
