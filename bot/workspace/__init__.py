"""Facts about the Slack workspace, asked of Slack and cached: roles, names, channel privacy."""
