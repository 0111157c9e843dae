// Where the classifier's data and model live. The data is public material fetched from other repositories, so it is
// kept beside the project in shared/classifier/ (as the signing vectors are), not in this repository.
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
export const DEFAULT_DATA_DIR = process.env.CLASSIFIER_DATA_DIR ?? join(ROOT, '..', 'shared', 'classifier');
export const MODEL_PATH = join(ROOT, 'libs', 'signals', 'src', 'trained', 'weights.json');
export const EVALUATION_PATH = join(ROOT, 'tools', 'classifier', 'evaluation.json');
