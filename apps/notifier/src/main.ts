import './tracing';
import 'reflect-metadata';
import { loadEnv } from '@conduit/config';
import { bootstrapWorker } from '@conduit/runtime';
import { NotifierAppModule } from './app.module';

const env = loadEnv();
void bootstrapWorker(NotifierAppModule.forRoot(env), env, 'notifier');
