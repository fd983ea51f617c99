"""The production smoke test (`make prod-smoke`, `python -m deploy.smoke`): the deploy/ kit run for real.

- `run`: the steps, in order, and the summary (its docstring says what is checked and the variables);
- `config`: settings, constants, the log and the environment file;
- `processes`: database and Redis resets, the services started from deploy/'s files, nginx and TLS;
- `client`: the HTTP client and the asset parser;
- `checks`: the crawl of every route as every account, headers and static/media files;
- `certificate`: the pages that need demo data and the certificate rendered by the worker.
"""
