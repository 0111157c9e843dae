import 'reflect-metadata';
import { loadEnv } from '@conduit/config';
import { bootstrapService } from '@conduit/runtime';
import { RouterAppModule } from './app.module';

const env = loadEnv();
void bootstrapService(RouterAppModule.forRoot(env), env, 'router');
