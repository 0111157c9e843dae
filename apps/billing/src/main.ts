import 'reflect-metadata';
import { loadEnv } from '@conduit/config';
import { bootstrapService } from '@conduit/runtime';
import { BillingAppModule } from './app.module';

const env = loadEnv();
void bootstrapService(BillingAppModule.forRoot(env), env, 'billing');
