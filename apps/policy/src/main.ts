import 'reflect-metadata';
import { loadEnv } from '@conduit/config';
import { bootstrapService } from '@conduit/runtime';
import { PolicyAppModule } from './app.module';

const env = loadEnv();
void bootstrapService(PolicyAppModule.forRoot(env), env, 'policy');
