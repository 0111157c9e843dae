// The committed model file (npm run train:classifier writes it). Imported, so the build copies it beside the code.
import type { ModelFile } from './model';
import weights from './weights.json';

export const DEFAULT_MODEL_FILE = weights as unknown as ModelFile;
