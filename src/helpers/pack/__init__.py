"""The build: config, notebook DAG, papermill execution, nbconvert rendering, manifest, CLI."""
