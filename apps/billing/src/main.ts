import './tracing';
import 'reflect-metadata';
import { loadEnv } from '@conduit/config';
import { bootstrapWorker } from '@conduit/runtime';
import { BillingAppModule } from './app.module';

const env = loadEnv();
void bootstrapWorker(BillingAppModule.forRoot(env), env, 'billing');
