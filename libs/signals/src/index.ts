// Agent What's readers of the world: post classifiers (LLM, lexicon) and post sources (X).
