"""`liaison sandbox`: a local web page that behaves like a small Slack workspace around Liaison."""
