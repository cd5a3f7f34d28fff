"""Entry points and composition: the CLI, the Bolt app, the server, and the wiring of services."""
