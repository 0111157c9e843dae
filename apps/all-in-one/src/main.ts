import './tracing';
import 'reflect-metadata';
import { loadEnv } from '@conduit/config';
import { bootstrapService } from '@conduit/runtime';
import { AllInOneModule, configureAllInOne } from './app.module';

const env = loadEnv();
void bootstrapService(AllInOneModule.forRoot(env), env, 'all-in-one', configureAllInOne);
